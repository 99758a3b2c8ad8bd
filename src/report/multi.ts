/**
 * What a person reads about a step that deployed several services: the `results` output, the aggregated
 * status, the job summary (one table, then each service's own summary) and the one sticky PR comment of a dry
 * run (a verdict a line, then a section per service, within GitHub's comment limit).
 */
import type { Status } from '../contract.js'
import type { DiffPlan } from '../diff/plan.js'
import { formatMarker, type CommentMeta } from '../github/marker.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import { formatDuration } from '../duration.js'
import { dryRunVerdict, diffDetails, imageLines } from './dry-run.js'
import { escapeHtml, inlineCode, table } from './markdown.js'
import { COMMENT_LIMIT, type CommentLinks } from './pr-comment.js'
import { STATUS_ICON } from './status-icon.js'

/** One service's part of the step. */
export interface ServiceResult {
  /** The config path as given (relative to the workspace). */
  readonly config: string
  readonly cluster: string
  readonly service: string
  readonly status: Status
  readonly taskDefinitionArn: string | undefined
  readonly previousTaskDefinitionArn: string | undefined
  readonly deploymentId: string | undefined
  readonly hasChanges: boolean | undefined
  readonly durationMs: number
  /** Why it failed, or why it did not start. */
  readonly cause: string | undefined
  /** The service's own summary (deploy or dry run). */
  readonly summary: string
  /** Dry run: the plan, for the PR comment. */
  readonly plan?: DiffPlan | undefined
  /** on-failure: rollback: what rolling this service back did. */
  readonly rollback?:
    | { readonly status: Status; readonly failure: string | undefined; readonly from: string | undefined }
    | undefined
}

/**
 * Statuses from worst to best: the step's `status` is the worst of its services'. A status not listed here
 * (a newer one) ranks just before `succeeded`.
 */
export const STATUS_ORDER: readonly Status[] = [
  'failed',
  'timed-out',
  'cancelled',
  'rolling-back',
  'rolled-back',
  'superseded',
  'skipped',
  'started',
  'paused',
  'ready',
  'registered',
  'verified',
  'rendered',
  'dry-run',
  'succeeded'
]

function rank(status: Status): number {
  const at = STATUS_ORDER.indexOf(status)
  return at < 0 ? STATUS_ORDER.length - 1.5 : at
}

/** The worst status of the services. */
export function worstStatus(statuses: readonly Status[]): Status {
  return [...statuses].sort((a, b) => rank(a) - rank(b))[0] ?? 'succeeded'
}

/** A service that ended badly (the step fails when any does). */
export function isFailure(status: Status): boolean {
  return ['failed', 'timed-out', 'cancelled', 'rolled-back', 'rolling-back', 'superseded'].includes(status)
}

/** The `results` output: one object per service, in config order. */
export function resultsJson(results: readonly ServiceResult[]): string {
  return JSON.stringify(
    results.map(r => ({
      config: r.config,
      cluster: r.cluster,
      service: r.service,
      status: r.status,
      'task-definition-arn': r.taskDefinitionArn ?? null,
      'previous-task-definition-arn': r.previousTaskDefinitionArn ?? null,
      'deployment-id': r.deploymentId ?? null,
      'has-changes': r.hasChanges ?? null,
      ...(r.rollback ? { rollback: r.rollback.status } : {})
    }))
  )
}

const revision = (arn: string | undefined): string => (arn ? inlineCode(shortTaskDefinition(arn)) : '—')

function revisions(r: ServiceResult): string {
  // Rolled back by on-failure: where it went, and where it is again.
  if (r.rollback?.from !== undefined && r.rollback.from !== r.taskDefinitionArn)
    return `${revision(r.previousTaskDefinitionArn)} → ${revision(r.rollback.from)} ↩ ${revision(r.taskDefinitionArn)}`
  if (r.previousTaskDefinitionArn === r.taskDefinitionArn) return revision(r.taskDefinitionArn)
  return `${revision(r.previousTaskDefinitionArn)} → ${revision(r.taskDefinitionArn)}`
}

/** One line a cause, Markdown-safe in a table cell. */
function cell(text: string | undefined): string {
  if (text === undefined || text === '') return ''
  const line = text.split('\n')[0]!
  // table() escapes the pipes.
  return escapeHtml(line.length > 200 ? `${line.slice(0, 199)}…` : line)
}

/** The summary section of a service that never started (on-failure: stop, or a cancelled step). */
export function notStartedSummary(reason: string): string {
  return `${STATUS_ICON.skipped} ${escapeHtml(reason)}; nothing was written to this service.`
}

/** The summary section of a service whose deploy ended in an error instead of an outcome. */
export function errorSummary(text: string): string {
  return `${STATUS_ICON.failed} ${escapeHtml(text)}`
}

/** Headline for the whole step: counts by status. */
export function headline(results: readonly ServiceResult[]): string {
  const counts = new Map<Status, number>()
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  const parts = [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([status, n]) => `${n} ${status}`)
  return `${results.length} services: ${parts.join(', ')}`
}

/** The job summary: the table of all services, then each service's own summary under its name. */
export function multiSummary(results: readonly ServiceResult[], onFailure: string): string {
  const status = worstStatus(results.map(r => r.status))
  const rows = results.map(r => [
    `${STATUS_ICON[r.status] ?? ''} ${r.status}${r.rollback ? ` (rollback: ${r.rollback.status})` : ''}`.trim(),
    `${inlineCode(r.service)} on ${inlineCode(r.cluster)}`,
    revisions(r),
    formatDuration(r.durationMs),
    cell(r.rollback?.failure ?? r.cause)
  ])
  const parts = [
    `## ${STATUS_ICON[status] ?? ''} ECS deploy: ${escapeHtml(headline(results))}`.replace('##  ', '## '),
    '',
    table(['status', 'service', 'revision (before → after)', 'duration', 'cause'], rows),
    '',
    `on-failure: ${inlineCode(onFailure)}`
  ]
  for (const r of results) {
    parts.push('', `## ${inlineCode(r.service)} on ${inlineCode(r.cluster)} (${inlineCode(r.config)})`, '')
    // Each service's summary keeps its own headings one level down.
    parts.push(r.summary.replace(/^(#{1,5}) /gm, '#$1 '))
  }
  return parts.join('\n')
}

/**
 * The sticky comment of a dry run over several services: a verdict a line for all of them at the top, then
 * a section per service; sections that do not fit are cut, each saying so, within `limit` characters.
 */
export function multiCommentBody(
  results: readonly ServiceResult[],
  meta: CommentMeta,
  links: CommentLinks,
  limit = COMMENT_LIMIT
): string {
  // The verdict without the name it starts with: the line names service and cluster itself.
  const verdict = (r: ServiceResult) => {
    const text = r.plan ? dryRunVerdict(r.plan) : (r.cause ?? r.status)
    return text.startsWith(`${r.service}: `) ? text.slice(r.service.length + 2) : text
  }
  const head = [
    formatMarker(meta),
    `### ECS dry run: ${results.length} services`,
    '',
    ...results.map(
      r =>
        `- ${r.plan?.hasChanges === false ? '⚪' : r.plan ? '🟡' : '❌'} ${inlineCode(r.service)} on ${inlineCode(r.cluster)}: ${escapeHtml(verdict(r))}`
    ),
    ''
  ].join('\n')
  const foot = footer(links)
  const where = links.runUrl ? `[the run](${links.runUrl})` : 'the run'
  // Each section gets an even share of what is left; one that needs less leaves the rest to the others.
  let room = limit - head.length - foot.length - 100
  const sections: string[] = []
  results.forEach((r, i) => {
    const share = Math.floor(room / (results.length - i))
    const section = serviceSection(r, share, where)
    sections.push(section)
    room -= section.length + 2
  })
  const body = [head, ...sections, foot].join('\n\n')
  return body.length <= limit ? body : body.slice(0, limit)
}

function serviceSection(r: ServiceResult, room: number, where: string): string {
  const title = `#### ${inlineCode(r.service)} on ${inlineCode(r.cluster)} (${inlineCode(r.config)})`
  if (!r.plan) return `${title}\n\n${escapeHtml(r.cause ?? r.status)}`
  const lines = [title, '', ...imageLines(r.plan)]
  const fixed = lines.join('\n')
  if (!r.plan.hasChanges || r.plan.diff === '') return fixed
  const notice = `… (diff cut to fit one comment for all services; the full diff is in the job summary and log of ${where})`
  const diffRoom = Math.max(200, room - fixed.length - 200)
  if (diffRoom <= 200)
    return `${fixed}\n\n… (diff left out to fit one comment; it is in the job summary of ${where})`
  return `${fixed}\n\n${diffDetails(r.plan.diff, diffRoom, notice)}`
}

function footer(links: CommentLinks): string {
  const parts: string[] = []
  if (links.sha) {
    const short = links.sha.slice(0, 7)
    parts.push(
      links.commitUrl ? `commit [${inlineCode(short)}](${links.commitUrl})` : `commit ${inlineCode(short)}`
    )
  }
  if (links.runUrl) parts.push(`[run](${links.runUrl})`)
  return `<sub>Planned by ecs-deploy-action${parts.length ? ` · ${parts.join(' · ')}` : ''}</sub>`
}
