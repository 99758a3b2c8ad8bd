/**
 * jest's globalSetup (loaded through test/jest/global-setup.mjs), run once before any test file: builds the
 * moto virtualenv (pip, a minute on a clean machine) here rather than inside a test's hook, where a timeout
 * could kill pip halfway and leave other files waiting.
 */
import { ensureMoto, findPython, SKIP_REASON } from './moto/index.js'

export default async function setup(): Promise<void> {
  const python = findPython()
  if (!python) {
    console.warn(SKIP_REASON)
    return
  }
  const started = Date.now()
  await ensureMoto(python)
  const seconds = (Date.now() - started) / 1000
  if (seconds > 1) console.log(`moto server ready in its virtualenv (${seconds.toFixed(0)} s)`)
}
