/** Job summary parts for the commands that work on revisions: rollback, register, keep-revisions. */
import type { Status } from '../contract.js'
import type { Pruned } from '../deploy/keep-revisions.js'
import { formatDuration } from '../duration.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import { escapeHtml, inlineCode, table } from './markdown.js'
import { STATUS_ICON } from './status-icon.js'

/** The keep-revisions section: what went (or would go), and what could not. */
export function prunedMarkdown(pruned: Pruned): string {
  const title = `### Old revisions (keep-revisions: ${pruned.keep})`
  if (pruned.unreadable !== undefined)
    return `${title}\n\n⚠️ The revisions of ${inlineCode(pruned.family)} could not be listed (${escapeHtml(pruned.unreadable)}); none was deregistered.`
  const verb = pruned.dryRun ? 'would be deregistered' : 'deregistered'
  const lines = [title, '']
  if (pruned.revisions.length === 0) {
    lines.push(
      `Nothing ${verb}: ${inlineCode(pruned.family)} has no ACTIVE revision beyond the newest ${pruned.keep} that may go.`
    )
  } else {
    lines.push(
      `${pruned.revisions.length} ${pruned.revisions.length === 1 ? 'revision' : 'revisions'} ${verb} (the running and the previous revision are always kept):`,
      '',
      ...pruned.revisions.map(arn => `- ${inlineCode(shortTaskDefinition(arn))}`)
    )
  }
  for (const f of pruned.failed)
    lines.push(
      '',
      `⚠️ ${inlineCode(shortTaskDefinition(f.arn))} could not be deregistered: ${escapeHtml(f.message)}`
    )
  return lines.join('\n')
}

/** What a rollback did, as data for its summary. */
export interface RollbackReport {
  readonly status: Status
  readonly cluster: string
  readonly service: string
  /** How the rollback was made, said to a person (e.g. "StopServiceDeployment (ROLLBACK) of …"). */
  readonly method: string
  readonly from: string | undefined
  readonly to: string | undefined
  readonly running: string | undefined
  readonly deploymentId: string | undefined
  readonly state: string
  readonly failure: string | undefined
  readonly deregistered: { readonly arn: string; readonly done: boolean; readonly error?: string } | undefined
  readonly dryRun: boolean
  readonly durationMs: number
  readonly warnings: readonly string[]
}

// A rollback that was asked for and completed is the command's success: its own icon, the rest as everywhere.
const ICON: Partial<Record<Status, string>> = { ...STATUS_ICON, 'rolled-back': '⏪' }

export function rollbackSummary(r: RollbackReport): string {
  const icon = ICON[r.status] ?? (r.failure === undefined ? '✅' : '❌')
  const headline = r.dryRun
    ? `## ${icon} Rollback plan for ${inlineCode(r.service)}`
    : r.failure === undefined
      ? `## ${icon} ${inlineCode(r.service)} ${r.status === 'started' ? 'is rolling back' : 'rolled back'} to ${inlineCode(shortTaskDefinition(r.to))}`
      : `## ${icon} Rollback of ${inlineCode(r.service)}: ${escapeHtml(r.status)}`
  const parts = [headline]
  if (r.failure !== undefined) parts.push(`**${escapeHtml(r.failure)}**`)
  const rows: string[][] = [
    ['Status', inlineCode(r.status)],
    ['Service', `${inlineCode(r.service)} on ${inlineCode(r.cluster)}`],
    ['How', escapeHtml(r.method)],
    ['From', inlineCode(shortTaskDefinition(r.from))],
    ['To', inlineCode(shortTaskDefinition(r.to))],
    ['Now running', inlineCode(shortTaskDefinition(r.running))]
  ]
  if (r.deploymentId !== undefined) rows.push(['Deployment', inlineCode(r.deploymentId)])
  if (r.deregistered !== undefined) {
    const d = r.deregistered
    rows.push([
      'Deregistered',
      r.dryRun
        ? `${inlineCode(shortTaskDefinition(d.arn))} would be deregistered after the rollback`
        : d.done
          ? inlineCode(shortTaskDefinition(d.arn))
          : `not ${inlineCode(shortTaskDefinition(d.arn))}${d.error ? `: ${escapeHtml(d.error)}` : ''}`
    ])
  }
  if (!r.dryRun) rows.push(['Duration', formatDuration(r.durationMs)])
  parts.push(table(['', ''], rows))
  parts.push(escapeHtml(sentence(r.state)))
  if (r.warnings.length > 0) parts.push(r.warnings.map(w => `> ⚠️ ${escapeHtml(w)}`).join('\n>\n'))
  return `${parts.join('\n\n')}\n`
}

/** `command: register`'s summary. */
export function registerSummary(r: {
  readonly arn: string
  readonly registered: boolean
  readonly dryRun: boolean
  readonly path: string | undefined
  readonly extra: string | undefined
}): string {
  const name = inlineCode(shortTaskDefinition(r.arn))
  const headline = r.dryRun
    ? `## 📝 Register plan: ${name}`
    : r.registered
      ? `## ✅ Registered ${name}`
      : `## ✅ ${name} is already registered`
  const body = r.dryRun
    ? `A register would create ${name} from ${inlineCode(r.path ?? 'the task definition')}; nothing was written.`
    : r.registered
      ? `Registered from ${inlineCode(r.path ?? 'the task definition')}.`
      : `The rendered task definition equals the family's latest ACTIVE revision, so nothing was registered.`
  return `${[headline, body, r.extra].filter(p => p !== undefined && p !== '').join('\n\n')}\n`
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.$/, '')
  return trimmed === '' ? '' : `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`
}
