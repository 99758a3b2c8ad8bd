import { parseInputs, type ActionInputs } from '../../src/inputs.js'

/** Every input at its default, as a step with no `with:` gets them (parsed, so defaults live in one place). */
export const defaultInputs: ActionInputs = parseInputs(() => '')
