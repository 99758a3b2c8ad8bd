// The run's closing line in the plain form any CI reads, `tests: N passed, N failed, N skipped`, after jest's
// own summary (which words it otherwise).
export default class CountLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    process.stdout.write(
      `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`
    )
  }
}
