// The test-command's summary section and log line, as people read them.
import { describe, expect, it } from '@jest/globals'
import type { TestCommandResult } from '../../src/deploy/test-command.js'
import {
  testCommandLogLine,
  testCommandMarkdown,
  testVerdict,
  type TestCommandRun
} from '../../src/report/test-command.js'

const result = (o: Partial<TestCommandResult>): TestCommandResult => ({
  exitCode: 0,
  timedOut: false,
  cancelled: false,
  durationMs: 12_000,
  tail: [],
  ...o
})
const run = (o: Partial<TestCommandRun>): TestCommandRun => ({
  command: './smoke.sh',
  timeoutMs: 300_000,
  result: result({}),
  action: 'continued',
  env: {},
  ...o
})

describe('testVerdict and the log line', () => {
  it('says exit code, timeout or cancellation, and what the step does next', () => {
    expect(testVerdict(result({ exitCode: 3 }), 300_000)).toBe('exited 3')
    expect(testVerdict(result({ exitCode: undefined, timedOut: true }), 300_000)).toBe('timed out after 5m')
    expect(testVerdict(result({ exitCode: undefined, cancelled: true }), 300_000)).toBe('was cancelled')
    expect(testCommandLogLine(run({}))).toBe('test-command exited 0 after 12s: continuing the deployment')
    expect(testCommandLogLine(run({ result: result({ exitCode: 1 }), action: 'rolled-back' }))).toBe(
      'test-command exited 1 after 12s: stopping the deployment with rollback'
    )
  })
})

describe('testCommandMarkdown', () => {
  it('a failure: the tail open, in a fence longer than any backtick run, HTML left inert', async () => {
    const markdown = testCommandMarkdown(
      run({
        command: 'set -e\ncurl -f "$ECS_DEPLOY_TEST_URL" | tee out.txt\n',
        result: result({
          exitCode: 22,
          tail: ['curl: (22) The requested URL returned error: 503', '```` <b>not bold</b>']
        }),
        action: 'rolled-back',
        env: {
          ECS_DEPLOY_SERVICE: 'web',
          ECS_DEPLOY_TEST_LISTENER_ARN:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/8080'
        }
      })
    )
    expect(markdown).toContain('<details open><summary>Last 2 lines of output</summary>')
    expect(markdown).toContain('`````\ncurl: (22)')
    expect(markdown).toContain('```bash\nset -e\n')
    await expect(markdown).toMatchFileSnapshot('__snapshots__/failed.md')
  })

  it('a pass: one-line command inline, the tail folded, "(no output)" when it printed nothing', () => {
    const markdown = testCommandMarkdown(run({ command: 'echo `date` | grep -q 20' }))
    expect(markdown).toContain('### ✅ Test command passed')
    expect(markdown).toContain('| Command | ``echo `date` \\| grep -q 20`` |')
    expect(markdown).toContain('<details><summary>Output</summary>\n\n(no output)')
    expect(markdown).not.toContain('Environment given')
  })
})
