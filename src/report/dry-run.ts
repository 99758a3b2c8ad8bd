/**
 * How a dry run reads to people: a one-line verdict, the images before and after, and the diff. Used by the
 * job summary here and by the PR comment (pr-comment.ts).
 */
import type { DefinitionDiff, DiffPlan } from '../diff/plan.js'
import { codeBlock, details, escapeHtml, inlineCode, truncateBytes } from './markdown.js'

/** GitHub rejects a step summary over 1 MiB; stay below it with room for the rest of the step's output. */
export const SUMMARY_LIMIT_BYTES = 1_000_000

export interface ImageChange {
  readonly container: string
  readonly before: string | undefined
  readonly after: string | undefined
}

/** What the plan is about: the service, else the task definition family. */
export function planName(plan: DiffPlan): string {
  if (plan.service !== undefined) return plan.service
  const family = plan.taskDefinition?.local.family
  return typeof family === 'string' ? family : 'task definition'
}

/** E.g. `app: task definition changes in 2 containers; service unchanged`. */
export function dryRunVerdict(plan: DiffPlan): string {
  const name = planName(plan)
  if (!plan.hasChanges) return `${name}: no changes`
  const parts: string[] = []
  if (plan.serviceDefinition) parts.push(serviceVerdict(plan, plan.serviceDefinition))
  if (plan.taskDefinition) parts.push(taskDefinitionVerdict(plan.taskDefinition))
  // Service first when it is new; otherwise the task definition, which changes most often.
  if (plan.serviceExists) parts.reverse()
  return `${name}: ${parts.join('; ')}`
}

function serviceVerdict(plan: DiffPlan, diff: DefinitionDiff): string {
  if (!plan.serviceExists) return 'new service'
  if (!diff.changed) return 'service unchanged'
  return `service changes in ${list(diff.fields)}`
}

function taskDefinitionVerdict(diff: DefinitionDiff): string {
  const containers = diff.containers
  if (diff.live === undefined) return `new task definition (${count(containers.length, 'container')})`
  if (!diff.changed) return 'task definition unchanged'
  const items: string[] = [...diff.fields]
  const changed = containers.filter(c => c.change === 'changed').length
  const added = containers.filter(c => c.change === 'added').length
  const removed = containers.filter(c => c.change === 'removed').length
  if (changed > 0) items.push(count(changed, 'container'))
  if (added > 0) items.push(`${count(added, 'added container')}`)
  if (removed > 0) items.push(`${count(removed, 'removed container')}`)
  return `task definition changes in ${list(items)}`
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`
}

/** Containers whose image a deploy would change (added and removed containers included). */
export function imageChanges(plan: DiffPlan): ImageChange[] {
  return (plan.taskDefinition?.containers ?? [])
    .filter(c => c.imageBefore !== c.imageAfter)
    .map(c => ({ container: c.name, before: c.imageBefore, after: c.imageAfter }))
}

/** Markdown lines for the images before → after; says so when no image changes. */
export function imageLines(plan: DiffPlan): string[] {
  if (!plan.taskDefinition) return []
  const changes = imageChanges(plan)
  if (changes.length === 0) {
    const images = plan.taskDefinition.containers.map(
      c => `${inlineCode(c.name)} ${inlineCode(c.imageAfter ?? '')}`
    )
    return [`Images unchanged: ${images.join(', ')}`]
  }
  return [
    'Images:',
    ...changes.map(
      c =>
        `- ${inlineCode(c.container)}: ${c.before === undefined ? '(new container)' : inlineCode(c.before)} → ${
          c.after === undefined ? '(removed)' : inlineCode(c.after)
        }`
    )
  ]
}

/** The diff inside a collapsible `diff` fence, cut to `limitBytes` with `notice` saying where the rest is. */
export function diffDetails(diff: string, limitBytes: number, notice: string, open = false): string {
  const lines = diff.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1).length
  const cut = truncateBytes(diff, limitBytes, notice)
  return details(`Diff (${count(lines, 'line')})`, codeBlock(cut.text, 'diff'), open)
}

export interface SummaryLinks {
  readonly runUrl?: string | undefined
}

/** The job summary of a dry run. */
export function dryRunSummary(plan: DiffPlan, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const title =
    plan.service === undefined
      ? inlineCode(planName(plan))
      : `${inlineCode(plan.service)} on ${inlineCode(plan.cluster)}`
  const lines = [`## Dry run: ${title}`, '', `**${escapeHtml(dryRunVerdict(plan))}**`, '']
  if (!plan.hasChanges) {
    lines.push('Live matches the local definitions: a deploy would change nothing in the service.', '')
    lines.push(...imageLines(plan), '')
    return lines.join('\n')
  }
  lines.push(...imageLines(plan), '')
  const head = lines.join('\n')
  const notice = '… (cut to fit the job summary; the full diff is in the step log and the `diff` output)'
  // Room for the fence and details wrapper around the diff.
  const room = limitBytes - Buffer.byteLength(head, 'utf8') - 200
  lines.push(diffDetails(plan.diff, room, notice), '')
  return lines.join('\n')
}
