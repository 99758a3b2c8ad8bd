import type { ServiceEvent, TaskDefinition } from '@aws-sdk/client-ecs'
import { Output, type OutputName, type Status } from '../contract.js'
import { formatDuration } from '../duration.js'
import type { StoppedTask } from '../ecs/diagnostics.js'
import type { DesiredCountPlan, TagChanges } from '../ecs/service-input.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import type { TimelinePoint, WatchResult } from '../ecs/watch.js'
import type { AwsErrorInfo } from './aws-errors.js'
import { causeSection, stoppedTasksMarkdown } from './causes.js'
import { codeBlock, details, escapeHtml, inlineCode, table } from './markdown.js'
import { STATUS_ICON } from './status-icon.js'

export interface ImageChange {
  readonly container: string
  readonly before: string | undefined
  readonly after: string | undefined
}

/** Everything a deploy learned, as data; this module turns it into outputs and a job summary. */
export interface DeployReport {
  readonly status: Status
  readonly region: string
  readonly cluster: string
  readonly service: string
  readonly serviceArn: string | undefined
  readonly created: boolean
  /** The task definition this run deployed. */
  readonly targetTaskDefinitionArn: string | undefined
  readonly previousTaskDefinitionArn: string | undefined
  /** What the service runs after this step (the previous one after a rollback). */
  readonly runningTaskDefinitionArn: string | undefined
  /** The revision this step registered, whatever runs now (undefined when it registered none). */
  readonly registeredTaskDefinitionArn: string | undefined
  readonly registered: boolean
  readonly imageChanges: readonly ImageChange[]
  readonly deploymentId: string | undefined
  readonly desiredCount: DesiredCountPlan | undefined
  readonly tagChanges: TagChanges | undefined
  readonly waited: boolean
  readonly watch: WatchResult | undefined
  readonly rollback: { readonly by: 'ecs' | 'action'; readonly watch: WatchResult | undefined } | undefined
  readonly durationMs: number
  /** The rendered definitions equal the live ones: the live revision was reused and no UpdateService sent. */
  readonly definitionsUnchanged?: boolean | undefined
  /** The task definition or the service's settings changed (undefined when nothing was applied). */
  readonly hasChanges?: boolean | undefined
  /** Why the step fails, said to a person. */
  readonly failure: string | undefined
  /** What the service is doing now (from the outcome). */
  readonly state: string
  /** Partial failures and refused reads: the step went on despite them. */
  readonly warnings: readonly string[]
  /** The deployment that took over from ours, when the status is superseded. */
  readonly superseder:
    | {
        readonly deploymentId: string
        readonly taskDefinitionArn: string
        readonly createdAt: Date | undefined
        /** Who started it, where the APIs say (a revision registered by this action names its run). */
        readonly startedBy: string | undefined
      }
    | undefined
  readonly awsError: AwsErrorInfo | undefined
}

export function consoleUrl(region: string, cluster: string, service: string): string {
  const c = encodeURIComponent(cluster)
  const s = encodeURIComponent(service)
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${c}/services/${s}/deployments?region=${region}`
}

/** Images per container that differ between two task definitions. */
export function imageChanges(
  before: TaskDefinition | undefined,
  after: TaskDefinition | undefined
): ImageChange[] {
  const images = (td: TaskDefinition | undefined) =>
    new Map((td?.containerDefinitions ?? []).map(c => [c.name ?? '', c.image ?? '']))
  const a = images(before)
  const b = images(after)
  const names = [...new Set([...a.keys(), ...b.keys()])]
  return names
    .filter(name => a.get(name) !== b.get(name))
    .map(container => ({ container, before: a.get(container), after: b.get(container) }))
}

export function deployOutputs(report: DeployReport): Partial<Record<OutputName, string>> {
  const outputs: Partial<Record<OutputName, string>> = {
    [Output.Status]: report.status,
    [Output.ConsoleUrl]: consoleUrl(report.region, report.cluster, report.service)
  }
  if (report.runningTaskDefinitionArn) outputs[Output.TaskDefinitionArn] = report.runningTaskDefinitionArn
  if (report.registeredTaskDefinitionArn)
    outputs[Output.RegisteredTaskDefinitionArn] = report.registeredTaskDefinitionArn
  if (report.previousTaskDefinitionArn)
    outputs[Output.PreviousTaskDefinitionArn] = report.previousTaskDefinitionArn
  if (report.serviceArn) outputs[Output.ServiceArn] = report.serviceArn
  if (report.deploymentId) outputs[Output.DeploymentId] = report.deploymentId
  if (report.hasChanges !== undefined) outputs[Output.HasChanges] = String(report.hasChanges)
  return outputs
}

/** The job summary of a deploy. */
export function deploySummary(report: DeployReport): string {
  const parts: string[] = []
  const icon = STATUS_ICON[report.status] ?? ''
  const url = consoleUrl(report.region, report.cluster, report.service)
  parts.push(`## ${icon} Deploy ${escapeHtml(report.service)}: ${report.status}`)
  parts.push(...causeSection(report.status, report.watch))
  if (report.failure) parts.push(`> **${escapeHtml(report.failure)}**`)
  if (report.warnings.length > 0) parts.push(report.warnings.map(w => `> ⚠️ ${escapeHtml(w)}`).join('\n>\n'))
  if (report.definitionsUnchanged)
    parts.push(
      `Definitions unchanged: the service already runs ${inlineCode(shortTaskDefinition(report.targetTaskDefinitionArn))} as defined; nothing was registered or updated.`
    )

  const rows: string[][] = [
    [
      'Service',
      `[${escapeHtml(report.service)}](${url}) in cluster ${inlineCode(report.cluster)} (${report.region})`
    ],
    [
      'Task definition',
      report.created
        ? `${inlineCode(shortTaskDefinition(report.targetTaskDefinitionArn))} (new service)`
        : `${inlineCode(shortTaskDefinition(report.previousTaskDefinitionArn))} → ${inlineCode(shortTaskDefinition(report.targetTaskDefinitionArn))}${report.registered ? ' (registered)' : ''}`
    ]
  ]
  if (report.runningTaskDefinitionArn !== report.targetTaskDefinitionArn && report.runningTaskDefinitionArn) {
    rows.push(['Now running', inlineCode(shortTaskDefinition(report.runningTaskDefinitionArn))])
  }
  rows.push(['Now', escapeHtml(report.state)])
  if (report.deploymentId) rows.push(['Deployment', inlineCode(report.deploymentId)])
  if (report.desiredCount) rows.push(['Desired count', describeDesired(report.desiredCount)])
  if (report.tagChanges && (report.tagChanges.set.length || report.tagChanges.remove.length)) {
    const set = report.tagChanges.set.map(t => `${t.key}=${t.value}`)
    const removed = report.tagChanges.remove.map(k => `-${k}`)
    const failed = report.warnings.some(w => /^(Tag|Untag)Resource failed/.test(w))
    rows.push([
      'Service tags',
      `${escapeHtml([...set, ...removed].join(', '))}${failed ? ' (**not applied**, see the warning above)' : ''}`
    ])
  }
  rows.push(['Duration', formatDuration(report.durationMs)])
  if (!report.waited) rows.push(['Waited', 'no (`wait: false`)'])
  parts.push(table(['', ''], rows))

  if (report.imageChanges.length > 0) {
    parts.push(
      '### Images\n\n' +
        table(
          ['Container', 'Before', 'After'],
          report.imageChanges.map(c => [
            escapeHtml(c.container),
            c.before ? inlineCode(c.before) : '—',
            c.after ? inlineCode(c.after) : '—'
          ])
        )
    )
  }

  if (report.awsError) {
    const e = report.awsError
    parts.push(
      `### AWS error\n\n${table(
        ['Operation', 'Code', 'Message'],
        [[e.operation ?? '?', inlineCode(e.code), escapeHtml(e.message)]]
      )}${e.hint ? `\n\n${escapeHtml(e.hint)}` : ''}`
    )
  }

  const watch = report.watch
  if (watch) {
    parts.push(
      `### Rollout\n\n${escapeHtml(sentence(watch.reason))} (after ${formatDuration(watch.durationMs)}).`
    )
    const chart = timelineChart(watch.timeline, report.targetTaskDefinitionArn)
    if (chart) parts.push(chart)
    if (watch.timeline.length > 0)
      parts.push(details('Timeline', timelineTable(watch.timeline, report.targetTaskDefinitionArn)))
  }
  if (report.superseder) {
    const s = report.superseder
    const facts = [
      `deployment ${inlineCode(s.deploymentId)} of ${inlineCode(shortTaskDefinition(s.taskDefinitionArn))}`,
      s.createdAt ? `created ${s.createdAt.toISOString()}` : undefined,
      s.startedBy
        ? `started by ${escapeHtml(s.startedBy)}`
        : 'ECS does not say who started it (CloudTrail records the UpdateService call)'
    ].filter(f => f !== undefined)
    parts.push(
      `### Superseded\n\nAnother deployment became PRIMARY: ${facts.join('; ')}. This step made no change after that (no rollback).`
    )
  }
  if (report.rollback) {
    const by =
      report.rollback.by === 'ecs' ? 'the ECS deployment circuit breaker' : 'this action (rollback-events)'
    const rb = report.rollback.watch
    const verb = report.status === 'rolled-back' ? 'Rolled back' : 'Rollback started'
    parts.push(
      `### Rollback\n\n${verb} by ${by} to ${inlineCode(shortTaskDefinition(report.previousTaskDefinitionArn))}` +
        (rb ? `: ${escapeHtml(sentence(rb.reason))} (after ${formatDuration(rb.durationMs)}).` : '.')
    )
  }

  if (report.status !== 'succeeded' && watch) {
    const diagnostics = diagnosticsMarkdown(watch.stoppedTasks, newest(watch.events, watch.service?.events))
    if (diagnostics) parts.push(diagnostics)
  }
  return `${parts.join('\n\n')}\n`
}

function describeDesired(plan: DesiredCountPlan): string {
  const value = plan.send === undefined ? 'unchanged' : String(plan.send)
  const why: Record<DesiredCountPlan['reason'], string> = {
    definition: 'from the service definition',
    unset: 'not set in the service definition',
    'auto-scaling': 'kept for Application Auto Scaling',
    daemon: 'DAEMON service',
    input: 'from the desired-count input'
  }
  return `${value} (${why[plan.reason]})`
}

function newest(seen: readonly ServiceEvent[], all: readonly ServiceEvent[] | undefined): ServiceEvent[] {
  const pool = seen.length > 0 ? [...seen] : [...(all ?? [])]
  return pool.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)).slice(0, 10)
}

/** Stopped tasks and the newest service events, for a failed deploy. */
export function diagnosticsMarkdown(tasks: readonly StoppedTask[], events: readonly ServiceEvent[]): string {
  const parts: string[] = []
  if (tasks.length > 0) parts.push(stoppedTasksMarkdown(tasks))
  if (events.length > 0) {
    const text = events.map(e => `${e.createdAt?.toISOString() ?? ''} ${e.message ?? ''}`).join('\n')
    parts.push(`### Newest service events\n\n${codeBlock(text)}`)
  }
  return parts.join('\n\n')
}

function timelineTable(points: readonly TimelinePoint[], target: string | undefined): string {
  const rows = points.flatMap(p =>
    p.deployments.map((d, i) => [
      i === 0 ? formatDuration(p.at) : '',
      `${inlineCode(shortTaskDefinition(d.taskDefinition))}${d.taskDefinition === target ? ' (new)' : ''}`,
      d.status,
      `${d.running}/${d.desired}`,
      String(d.pending),
      String(d.failed),
      d.rolloutState ?? ''
    ])
  )
  return table(
    ['Elapsed', 'Task definition', 'Status', 'Running/desired', 'Pending', 'Failed', 'Rollout'],
    rows
  )
}

/** Rollouts shorter than this get no chart: the timeline table says all there is. */
export const CHART_MIN_MS = 60_000
const CHART_MAX_POINTS = 20
// Mermaid's first default colour is nearly invisible on white: green for the new revision, grey for the rest.
const CHART_THEME = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f883d, #8c959f"}}}}%%'

/**
 * A Mermaid chart of running tasks, the new revision against the others, at most 20 points (more and the
 * x-axis labels overlap); none for a
 * rollout under a minute. Each line has a title (Mermaid draws the legend from them), and the y axis reaches
 * at least 8: Mermaid takes d3's ten "nice" ticks, which are whole numbers from a span of 8 up (0.5 below).
 */
export function timelineChart(
  points: readonly TimelinePoint[],
  target: string | undefined
): string | undefined {
  if (points.length < 2 || points[points.length - 1]!.at - points[0]!.at < CHART_MIN_MS) return undefined
  const step = Math.ceil(points.length / CHART_MAX_POINTS)
  const picked = points.filter((_, i) => i % step === 0 || i === points.length - 1)
  const newer = picked.map(p =>
    p.deployments.filter(d => d.taskDefinition === target).reduce((n, d) => n + d.running, 0)
  )
  const older = picked.map(p =>
    p.deployments.filter(d => d.taskDefinition !== target).reduce((n, d) => n + d.running, 0)
  )
  const top = Math.max(8, ...newer, ...older)
  const labels = picked.map(p => `"${formatDuration(p.at)}"`)
  const name = target === undefined ? 'new revision' : shortTaskDefinition(target).replace(/"/g, '')
  return [
    '```mermaid',
    CHART_THEME,
    'xychart-beta',
    `  title "Running tasks: ${name} (new) and the previous revisions"`,
    `  x-axis "elapsed" [${labels.join(', ')}]`,
    `  y-axis "running tasks" 0 --> ${top}`,
    `  line "${name} (new)" [${newer.join(', ')}]`,
    `  line "previous" [${older.join(', ')}]`,
    '```'
  ].join('\n')
}

/** A reason as the start of a sentence: capitalized, without its own closing period. */
function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.+$/, '')
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
}
