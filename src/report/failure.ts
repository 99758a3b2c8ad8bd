import { codeBlock } from './markdown.js'

/** The job summary of a run that stopped on an error before its command could report. */
export function failureSummary(text: string, beforeAnyWrite: boolean): string {
  return [
    '## ❌ ECS deploy failed',
    '',
    codeBlock(text),
    '',
    beforeAnyWrite ? 'Nothing was changed in AWS: the problem was found before any write.' : ''
  ].join('\n')
}
