import { Output, type OutputName, type Status } from '../contract.js'
import type { TaskResult } from '../deploy/task-outcome.js'
import { formatDuration } from '../duration.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import { codeBlock, escapeHtml, inlineCode, table } from './markdown.js'
import { STATUS_ICON } from './status-icon.js'

/** Everything `command: run` learned, as data; this module turns it into outputs and a job summary. */
export interface RunReport {
  readonly status: Status
  readonly region: string
  readonly cluster: string
  readonly taskDefinitionArn: string | undefined
  readonly registered: boolean
  readonly watchContainer: string | undefined
  readonly count: number
  readonly taskArns: readonly string[]
  readonly results: readonly TaskResult[]
  /** Stopped reasons per task ARN (ECS's words). */
  readonly stoppedReasons: ReadonlyMap<string, string>
  readonly exitCode: number | undefined
  readonly failure: string | undefined
  readonly warnings: readonly string[]
  readonly durationMs: number
  /** The last lines each task's watched container wrote, by task ARN. */
  readonly lastLines: ReadonlyMap<string, readonly string[]>
  /** Why the output is not shown (no awslogs), when it is not. */
  readonly logsNote: string | undefined
  readonly dryRun?: boolean | undefined
  readonly overrides?: unknown
}

export function runOutputs(report: RunReport): Partial<Record<OutputName, string>> {
  const outputs: Partial<Record<OutputName, string>> = { [Output.Status]: report.status }
  if (!report.dryRun) outputs[Output.TaskArns] = JSON.stringify(report.taskArns)
  if (report.exitCode !== undefined) outputs[Output.ExitCode] = String(report.exitCode)
  if (report.taskDefinitionArn !== undefined && !report.dryRun)
    outputs[Output.TaskDefinitionArn] = report.taskDefinitionArn
  if (report.registered && report.taskDefinitionArn !== undefined)
    outputs[Output.RegisteredTaskDefinitionArn] = report.taskDefinitionArn
  return outputs
}

const taskUrl = (region: string, cluster: string, id: string): string =>
  `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/tasks/${encodeURIComponent(id)}?region=${region}`

/** The job summary of `command: run`. */
export function runSummary(report: RunReport): string {
  const family = shortTaskDefinition(report.taskDefinitionArn)
  const parts: string[] = [
    `## ${STATUS_ICON[report.status] ?? ''} Run ${escapeHtml(family)}: ${report.status}`
  ]
  if (report.failure) parts.push(`> **${escapeHtml(report.failure)}**`)
  if (report.warnings.length > 0) parts.push(report.warnings.map(w => `> ⚠️ ${escapeHtml(w)}`).join('\n>\n'))
  const rows: string[][] = [
    ['Cluster', `${inlineCode(report.cluster)} (${report.region})`],
    ['Task definition', `${inlineCode(family)}${report.registered ? ' (registered)' : ''}`],
    ['Watched container', report.watchContainer === undefined ? '(none)' : inlineCode(report.watchContainer)],
    ['Tasks', String(report.dryRun ? report.count : report.taskArns.length)]
  ]
  if (report.exitCode !== undefined) rows.push(['Exit code', inlineCode(String(report.exitCode))])
  if (!report.dryRun) rows.push(['Duration', formatDuration(report.durationMs)])
  parts.push(table(['', ''], rows))
  if (report.dryRun) {
    parts.push('Dry run: nothing was registered or started.')
    if (report.overrides !== undefined)
      parts.push(codeBlock(JSON.stringify(report.overrides, null, 2), 'json'))
  }
  if (report.results.length > 0) {
    parts.push('### Tasks')
    parts.push(
      table(
        ['task', 'result', 'exit code', 'stopped reason'],
        report.results.map(r => [
          `[${inlineCode(r.id.slice(0, 12))}](${taskUrl(report.region, report.cluster, r.id)})`,
          escapeHtml(r.said),
          r.exitCode === undefined ? '' : String(r.exitCode),
          escapeHtml(report.stoppedReasons.get(r.arn) ?? '')
        ])
      )
    )
  }
  for (const arn of report.taskArns) {
    const lines = report.lastLines.get(arn) ?? []
    if (lines.length === 0) continue
    const id = arn.slice(arn.lastIndexOf('/') + 1)
    parts.push(
      `### Last ${lines.length} log line${lines.length === 1 ? '' : 's'}${report.taskArns.length > 1 ? ` of task ${inlineCode(id.slice(0, 12))}` : ''}`
    )
    parts.push(codeBlock(lines.join('\n')))
  }
  if (report.logsNote !== undefined) parts.push(`_${escapeHtml(report.logsNote)}_`)
  return parts.join('\n\n') + '\n'
}
