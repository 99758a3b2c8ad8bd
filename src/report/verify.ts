import type { Check, VerifyResult } from '../verify/checks.js'
import { escapeHtml, inlineCode, table } from './markdown.js'

const MARK: Record<Check['result'], string> = { ok: '✅', failed: '❌', 'not-checked': '⚠️' }

/** The job summary of `command: verify` (and of a deploy stopped by `verify: true`): a checklist table. */
export function verifySummary(result: VerifyResult, heading = 'Verify'): string {
  const failed = result.checks.filter(c => c.result === 'failed')
  const unchecked = result.checks.filter(c => c.result === 'not-checked')
  const name = result.service === undefined ? result.cluster : `${result.cluster}/${result.service}`
  const title =
    failed.length === 0
      ? `## ✅ ${heading}: ${escapeHtml(name)} verified`
      : `## ❌ ${heading}: ${failed.length} of ${result.checks.length} checks failed for ${escapeHtml(name)}`
  const lines = [title, '']
  if (unchecked.length > 0)
    lines.push(`⚠️ ${unchecked.length} not checked (denied or unreachable); see the rows marked ⚠️.`, '')
  lines.push(
    table(
      ['', 'Check', 'Resource', 'Where', 'Result', 'IAM action'],
      result.checks.map(c => [
        MARK[c.result],
        escapeHtml(c.kind),
        inlineCode(c.subject),
        escapeHtml(c.where),
        escapeHtml(c.detail || (c.result === 'ok' ? 'exists' : '')),
        c.action === undefined ? '' : inlineCode(c.action)
      ])
    ),
    '',
    'Read-only: verify makes no write (unlike ecspresso verify, it creates no log stream).',
    ''
  )
  return lines.join('\n')
}

/** One log line per check. */
export function verifyLogLine(check: Check): string {
  const word = { ok: 'ok', failed: 'FAILED', 'not-checked': 'not checked' }[check.result]
  return `${word}: ${check.kind} ${check.subject} (${check.where})${check.detail ? `: ${check.detail}` : ''}`
}

/** The step's failure: what is missing, in one line per check. */
export function verifyFailure(failed: readonly Check[]): string {
  return `verify failed: ${failed.length} check${failed.length === 1 ? '' : 's'} failed\n${failed
    .map(c => `- ${c.kind} ${c.subject} (${c.where}): ${c.detail}`)
    .join('\n')}`
}
