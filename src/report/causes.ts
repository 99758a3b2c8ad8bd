/**
 * Why a rollout failed, said first: one cause line under the summary's headline, then stopped tasks grouped
 * by identical reason with a count, then the per-task details folded away. Twenty-one tasks that could not
 * pull the same image read as one line, not a table of twenty-one copies.
 */
import type { ServiceEvent } from '@aws-sdk/client-ecs'
import type { Status } from '../contract.js'
import { failureCause, groupStoppedTasks, type StoppedTask } from '../ecs/diagnostics.js'
import { details, escapeHtml, inlineCode, table } from './markdown.js'

/** At most this many task ids named per reason; the rest are counted. */
const IDS_PER_REASON = 5
/** At most this many tasks in the folded per-task table. */
const DETAIL_ROWS = 25

const taskId = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)

/** The cause line of a rolling deploy's summary (nothing when it went well or no cause is known). */
export function causeSection(
  status: Status,
  watch:
    { readonly stoppedTasks: readonly StoppedTask[]; readonly events: readonly ServiceEvent[] } | undefined
): string[] {
  if (status === 'succeeded' || watch === undefined) return []
  const line = causeLine(watch.stoppedTasks, watch.events)
  return line === undefined ? [] : [line]
}

/** `**Cause:** 21 tasks stopped: CannotPullContainerError: …`, or nothing when no cause is known. */
export function causeLine(
  tasks: readonly StoppedTask[],
  events: readonly ServiceEvent[],
  known?: string
): string | undefined {
  const text = failureCause(tasks, events)?.text ?? known
  return text === undefined ? undefined : `**Cause:** ${escapeHtml(text)}`
}

/**
 * Stopped tasks: one row per distinct reason with its count, then every task in a folded table that points
 * at its reason's row instead of repeating the message.
 */
export function stoppedTasksMarkdown(tasks: readonly StoppedTask[]): string {
  if (tasks.length === 0) return ''
  const groups = groupStoppedTasks(tasks)
  const grouped = table(
    ['#', 'Tasks', 'Why they stopped', 'Examples'],
    groups.map((g, i) => {
      const ids = g.tasks.slice(0, IDS_PER_REASON).map(t => inlineCode(taskId(t.taskArn)))
      const more = g.count > IDS_PER_REASON ? ` and ${g.count - IDS_PER_REASON} more` : ''
      return [String(i + 1), String(g.count), escapeHtml(g.reason), `${ids.join(', ')}${more}`]
    })
  )
  const rowOf = new Map(groups.flatMap((g, i) => g.tasks.map(t => [t.taskArn, i + 1] as const)))
  const shown = groups.flatMap(g => g.tasks).slice(0, DETAIL_ROWS)
  const rows = shown.map(t => [
    inlineCode(taskId(t.taskArn)),
    t.stoppedAt?.toISOString() ?? '',
    escapeHtml(t.stopCode ?? ''),
    `#${rowOf.get(t.taskArn) ?? ''}`
  ])
  const cut = tasks.length > shown.length ? `\n\n(${tasks.length - shown.length} more not shown)` : ''
  const perTask = details(
    `Each stopped task (${tasks.length})`,
    `${table(['Task', 'Stopped at', 'Stop code', 'Reason'], rows)}${cut}`
  )
  return `### Stopped tasks\n\n${grouped}\n\n${perTask}`
}
