import { afterAll, beforeAll, describe } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { findPython, SKIP_REASON, startMoto, type Moto } from '../../test/moto/index.js'

const canRunMoto = findPython() !== undefined
if (!canRunMoto) console.warn(SKIP_REASON)

/** `describe` where a Python 3 with venv can run moto server; elsewhere `describe.skip`, saying why. */
export const describeWithMoto = canRunMoto ? describe : describe.skip

/**
 * A moto server and an emulator for a wire-comparison suite, started once before its tests (pip may build
 * moto's virtualenv first) and stopped after them. Call inside the suite's `describe`.
 */
export function motoAndEmulator(): { moto: () => Moto; emulator: () => Emulator } {
  let moto: Moto | undefined
  let emulator: Emulator | undefined
  beforeAll(async () => {
    moto = await startMoto()
    emulator = await startEmulator()
  }, 600_000)
  afterAll(async () => {
    await moto?.stop()
    await emulator?.close()
  })
  return { moto: () => moto!, emulator: () => emulator! }
}
