import type { ActionInputs } from '../inputs.js'
import { codeBlock } from './markdown.js'

/** The job summary of a run that stopped on an error before its command could report. */
export function failureSummary(
  text: string,
  beforeAnyWrite: boolean,
  inputs?: Pick<ActionInputs, 'command' | 'dryRun'>
): string {
  return [
    `## ❌ ${headline(inputs)} failed`,
    '',
    codeBlock(text),
    '',
    beforeAnyWrite ? 'Nothing was changed in AWS: the problem was found before any write.' : ''
  ].join('\n')
}

/** What failed, in the words of the command the step ran (inputs are unknown when they did not parse). */
function headline(inputs: Pick<ActionInputs, 'command' | 'dryRun'> | undefined): string {
  if (inputs === undefined) return 'ECS deploy action'
  if (inputs.command === 'deploy') return inputs.dryRun ? 'ECS dry run' : 'ECS deploy'
  return `ECS ${inputs.command}`
}
