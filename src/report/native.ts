/**
 * How an ECS-native deployment reads to people: a log line per stage change and per hook status, the hook that
 * made ECS roll back, and the stage timeline of the job summary (stage, how long, hooks and their answers).
 */
import type { Status } from '../contract.js'
import { formatDuration } from '../duration.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import { describeStrategy, type NativePlan } from '../native/config.js'
import type { NativeStep } from '../native/step.js'
import type { HookSeen, NativeTimeline, StageSpan } from '../native/timeline.js'
import { consoleUrl } from './deploy.js'
import { escapeHtml, inlineCode, table } from './markdown.js'
import { STATUS_ICON } from './status-icon.js'

/** "the Lambda hook arn:…:function:check" / "the PAUSE hook ecs-pause-…". */
export function hookName(hook: Pick<HookSeen, 'targetType' | 'target' | 'hookId'>): string {
  return hook.targetType === 'PAUSE'
    ? `the PAUSE hook ${hook.hookId}`
    : `the Lambda hook ${hook.target ?? hook.hookId}`
}

/** What a stage means, said once when the deployment enters it. */
export function stageLine(stage: string, plan: NativePlan | undefined): string {
  switch (stage) {
    case 'SCALE_UP':
      return 'stage SCALE_UP: starting the green tasks'
    case 'TEST_TRAFFIC_SHIFT':
      return 'stage TEST_TRAFFIC_SHIFT: test traffic moves to green'
    case 'PRODUCTION_TRAFFIC_SHIFT':
      return `stage PRODUCTION_TRAFFIC_SHIFT: production traffic moves to green${plan ? ` (${describeStrategy(plan).split('; ').slice(0, 2).join(': ')})` : ''}`
    case 'BAKE_TIME':
      return `stage BAKE_TIME: both revisions run for ${plan?.bakeTimeInMinutes ?? '?'}m before blue stops; a rollback now is instant`
    case 'CLEAN_UP':
      return 'stage CLEAN_UP: stopping the blue tasks'
    default:
      return `stage ${stage}`
  }
}

/** A hook seen for the first time, or whose status changed. */
export function hookLine(hook: HookSeen, first: boolean): string {
  const name = hookName(hook)
  if (hook.targetType === 'AWS_LAMBDA' && (hook.status === 'SUCCEEDED' || hook.status === 'FAILED'))
    return `${name} at ${hook.stage} answered ${hook.status}`
  if (first)
    return hook.status === 'AWAITING_ACTION'
      ? `${name} at ${hook.stage} waits for ContinueServiceDeployment (on timeout: ${hook.timeoutAction ?? 'ROLLBACK'})`
      : `${name} at ${hook.stage}: ${hook.status}`
  return `${name} at ${hook.stage}: ${hook.status}${hook.answer ? ` (${hook.answer})` : ''}`
}

/** Why ECS rolled the deployment back, naming the stage and the hook where one answered so. */
export function hookFailure(hook: HookSeen): string {
  const name = hookName(hook)
  if (hook.status === 'TIMED_OUT')
    return `${name} at ${hook.stage} timed out (timeout action ${hook.timeoutAction ?? 'ROLLBACK'})`
  if (hook.targetType === 'PAUSE')
    return `${name} at ${hook.stage} was answered ROLLBACK${hook.answer ? ` (${hook.answer})` : ''}`
  return `${name} at ${hook.stage} answered FAILED`
}

function spanDuration(span: StageSpan, endAt: number): string {
  return formatDuration((span.endedAt ?? endAt) - span.startedAt)
}

function hookCell(hook: HookSeen): string {
  const who = hook.targetType === 'PAUSE' ? 'PAUSE' : `Lambda ${inlineCode(hook.target ?? hook.hookId)}`
  return `${who}: **${escapeHtml(hook.status)}**${hook.answer ? ` (${escapeHtml(hook.answer)})` : ''}`
}

/** The summary's section: strategy line, then a row per stage (started, how long, hooks and answers). */
export function nativeTimelineMarkdown(
  timeline: NativeTimeline,
  plan: NativePlan | undefined,
  endAt: number,
  serviceDeploymentArn: string | undefined
): string {
  const parts = ['### Lifecycle stages']
  const head: string[] = []
  if (plan) head.push(`${escapeHtml(describeStrategy(plan))}.`)
  if (serviceDeploymentArn) head.push(`Service deployment ${inlineCode(serviceDeploymentArn)}.`)
  if (head.length > 0) parts.push(head.join(' '))
  if (timeline.stages.length === 0) {
    parts.push('No lifecycle stage was seen.')
  } else {
    const rows = timeline.stages.map((span, i) => [
      inlineCode(span.stage),
      formatDuration(span.startedAt),
      span.endedAt === undefined && i === timeline.stages.length - 1
        ? `${spanDuration(span, endAt)} (still there)`
        : spanDuration(span, endAt),
      span.hooks.length === 0 ? '—' : span.hooks.map(hookCell).join('<br>')
    ])
    parts.push(table(['Stage', 'Started', 'Took', 'Hooks'], rows))
  }
  if (timeline.notes.length > 0)
    parts.push(timeline.notes.map(n => `- ${formatDuration(n.at)}: ${escapeHtml(n.text)}`).join('\n'))
  return parts.join('\n\n')
}

/** The dry run's section: strategy, bake time, steps, hooks and what would pause. */
export function nativePlanMarkdown(plan: NativePlan, waitUntilPaused: boolean): string {
  const parts = ['### ECS-native deployment', `${escapeHtml(describeStrategy(plan))}.`]
  if (plan.hooks.length > 0) {
    parts.push(
      table(
        ['Hook', 'Stages', 'Timeout'],
        plan.hooks.map(h => [
          h.targetType === 'PAUSE' ? 'PAUSE' : `Lambda ${inlineCode(h.target ?? '?')}`,
          h.stages.map(s => inlineCode(s)).join(', '),
          `${h.timeoutMinutes}m, then ${h.timeoutAction}`
        ])
      )
    )
  } else {
    parts.push('No lifecycle hooks.')
  }
  parts.push(pauseSentence(plan, waitUntilPaused))
  return parts.join('\n\n')
}

export function pauseSentence(plan: NativePlan, waitUntilPaused: boolean): string {
  if (plan.pauses.length === 0) return 'Nothing would pause: no PAUSE hook.'
  const where = plan.pauses.map(s => inlineCode(s)).join(', ')
  return waitUntilPaused
    ? `A deploy would pause at ${where}; with \`wait-until: paused\` the step ends there with status \`paused\`, and \`command: promote\` continues it.`
    : `A deploy would pause at ${where} and wait there (until \`command: promote\`, the console, or the timeout); set \`wait-until: paused\` to end the step at the pause.`
}

/** The native part of a deploy's or promote's summary: the timeline, the rollback, the pause. */
export function nativeOutcomeMarkdown(step: NativeStep, now: number): string {
  const parts = [
    nativeTimelineMarkdown(step.timeline, step.plan, now - step.timeline.origin, step.serviceDeploymentArn)
  ]
  if (step.rollback) {
    const r = step.rollback
    const by = r.by === 'ecs' ? 'ECS' : `this step (${r.how})`
    const result = r.result
    const where = result
      ? result.outcome === 'rolled-back'
        ? `completed after ${formatDuration(result.durationMs)}`
        : `${result.reason} (after ${formatDuration(result.durationMs)})`
      : 'sent; the step did not wait for it'
    parts.push(`### Rollback\n\nRollback by ${escapeHtml(by)}: ${escapeHtml(where)}.`)
  }
  if (step.pausedAt) {
    const h = step.pausedAt
    parts.push(
      `### Paused\n\nThe deployment waits at the PAUSE hook ${inlineCode(h.hookId)} (${inlineCode(h.stage)}, on timeout: ${escapeHtml(h.timeoutAction ?? 'ROLLBACK')}). Continue it with \`command: promote\`, or roll it back with \`command: rollback\`.`
    )
  }
  return parts.join('\n\n')
}

/** The job summary of `command: promote`. */
export function promoteSummary(o: {
  readonly step: NativeStep
  readonly status: Status
  readonly failure: string | undefined
  readonly state: string
  readonly region: string
  readonly now: number
  readonly warnings?: readonly string[]
}): string {
  const { step } = o
  const parts = [`## ${STATUS_ICON[o.status] ?? ''} Promote ${escapeHtml(step.service)}: ${o.status}`]
  if (o.failure) parts.push(`> **${escapeHtml(o.failure)}**`)
  if (o.warnings && o.warnings.length > 0)
    parts.push(o.warnings.map(w => `> ⚠️ ${escapeHtml(w)}`).join('\n>\n'))
  const url = consoleUrl(o.region, step.cluster, step.service)
  parts.push(
    table(
      ['', ''],
      [
        [
          'Service',
          `[${escapeHtml(step.service)}](${url}) in cluster ${inlineCode(step.cluster)} (${o.region})`
        ],
        [
          'Task definition',
          `${inlineCode(shortTaskDefinition(step.record.previous))} → ${inlineCode(shortTaskDefinition(step.record.target))}`
        ],
        ['Now', escapeHtml(o.state)],
        ['Duration', formatDuration(o.now - step.timeline.origin)]
      ]
    )
  )
  parts.push(nativeOutcomeMarkdown(step, o.now))
  return `${parts.join('\n\n')}\n`
}
