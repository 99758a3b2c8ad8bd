import { describe } from '@jest/globals'
import { findPython, SKIP_REASON } from '../../test/moto/index.js'

const canRunMoto = findPython() !== undefined
if (!canRunMoto) console.warn(SKIP_REASON)

/** `describe` where a Python 3 with venv can run moto server; elsewhere `describe.skip`, saying why. */
export const describeWithMoto = canRunMoto ? describe : describe.skip
