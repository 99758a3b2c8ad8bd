import { Commands, Input } from '../contract.js'
import { problemsOf } from '../errors.js'
import type { ActionInputs } from '../inputs.js'
import { codeBlock } from './markdown.js'
import type { Where } from './sink.js'

type CommandOf = Pick<ActionInputs, 'command' | 'dryRun'>

/** The job summary of a run that stopped on an error before its command could report. */
export function failureSummary(text: string, beforeAnyWrite: boolean, inputs?: CommandOf): string {
  return [
    `## ❌ ${headline(inputs)} failed`,
    '',
    codeBlock(text),
    '',
    beforeAnyWrite ? 'Nothing was changed in AWS: the problem was found before any write.' : ''
  ].join('\n')
}

/** What failed, in the words of the command the step ran (inputs are unknown when they did not parse). */
function headline(inputs: CommandOf | undefined): string {
  if (inputs === undefined) return 'ecs-deploy-action'
  if (inputs.command === 'deploy') return inputs.dryRun ? 'ECS dry run' : 'ECS deploy'
  return `ECS ${inputs.command}`
}

/**
 * The command as the step asked for it, when the inputs did not parse (another input was bad): the failure
 * still names it. Read as parseInputs reads it; `diff` is the dry run.
 */
export function commandAskedFor(env: Readonly<Record<string, string | undefined>>): CommandOf | undefined {
  const text = env[`INPUT_${Input.Command.toUpperCase()}`]?.trim() || 'deploy'
  if (text === 'diff') return { command: 'deploy', dryRun: true }
  const known = (Commands as readonly string[]).includes(text)
  const dryRun = env[`INPUT_${Input.DryRun.toUpperCase()}`]?.trim().toLowerCase() === 'true'
  return known ? { command: text as ActionInputs['command'], dryRun } : undefined
}

/** The failure's annotations: one per problem, each located one marked on its line, titled by the command. */
export function failureAnnotations(
  error: unknown,
  inputs: CommandOf | undefined
): { message: string; where: Where }[] {
  const title = `${headline(inputs)} failed`
  return problemsOf(error).map(p => ({ message: p.message, where: { ...p.where, title } }))
}
