/**
 * Follows one ECS-native (blue/green, linear, canary) service deployment through DescribeServiceDeployments:
 * its lifecycle stage, the hooks of that stage and their statuses, bake time, and the ROLLBACK_* states. Each
 * stage change and hook status goes to the log and the timeline. It ends when the deployment succeeds, ECS
 * rolls it back (a hook answered FAILED or timed out), it stops, a PAUSE hook waits and the caller wants to
 * end there, the timeout passes, or the step is cancelled.
 */
import {
  DescribeServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import type { Clock } from '../clock.js'
import { formatDuration } from '../duration.js'
import { heartbeat } from '../ecs/heartbeat.js'
import { awsErrorName } from '../ecs/live.js'
import { isThrottling } from '../ecs/once.js'
import { pollPlanner } from '../ecs/watch.js'
import type { Logger } from '../log.js'
import { hookFailure, hookLine, hookName, stageLine } from '../report/native.js'
import type { NativePlan } from './config.js'
import { currentSpan, failedHook, type HookSeen, type NativeTimeline, type StageSpan } from './timeline.js'

export type NativeWatchOutcome =
  | 'succeeded'
  /** A PAUSE hook waits for ContinueServiceDeployment and the caller asked to stop there. */
  | 'paused'
  /** ECS rolls the deployment back (a hook failed or timed out, an alarm): ROLLBACK_* status. */
  | 'rolled-back-by-ecs'
  /** Following a rollback: it ended ROLLBACK_SUCCESSFUL. */
  | 'rolled-back'
  | 'failed'
  | 'timed-out'
  | 'cancelled'

export interface NativeWatchResult {
  readonly outcome: NativeWatchOutcome
  readonly reason: string
  /** The service deployment as last described. */
  readonly serviceDeployment: ServiceDeployment | undefined
  /** With `paused`: the hook that waits. */
  readonly paused: HookSeen | undefined
  readonly durationMs: number
  readonly calls: number
}

export interface NativeWatchOptions {
  readonly ecs: ECSClient
  readonly clock: Clock
  readonly log: Logger
  readonly serviceDeploymentArn: string
  readonly plan: NativePlan | undefined
  readonly timeline: NativeTimeline
  readonly timeoutMs: number
  readonly pollMs?: number | undefined
  readonly signal?: AbortSignal | undefined
  /**
   * What a waiting PAUSE hook does to the watch: `return` ends it (`paused`); `wait` says so once in the log
   * and keeps following (someone else continues it, or the timeout ends the watch).
   */
  readonly atPause: 'return' | 'wait'
  /** `rollback`: the deployment is rolling back (this step's or ECS's rollback): follow it to its end. */
  readonly following: 'deployment' | 'rollback'
}

const ROLLBACK = new Set([
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED'
])
const FINISHED = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'])
const MAX_READ_ERRORS = 5

function isTransient(error: unknown): boolean {
  if (isThrottling(error)) return true
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return status === undefined || status >= 500
}

/** The PAUSE hook of the current stage that waits for ContinueServiceDeployment, if any. */
export function awaitingPause(sd: ServiceDeployment | undefined): string | undefined {
  if (sd?.status !== 'IN_PROGRESS') return undefined
  return sd.lifecycleHookDetails?.find(h => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION')
    ?.hookId
}

/** Records the stage and hooks of one DescribeServiceDeployments answer in the timeline; logs what changed. */
export function recordProgress(
  timeline: NativeTimeline,
  sd: ServiceDeployment,
  at: number,
  plan: NativePlan | undefined,
  say: (line: string) => void
): void {
  const stage = sd.lifecycleStage
  let span = currentSpan(timeline)
  if (stage !== undefined && span?.stage !== stage) {
    if (span !== undefined) {
      span.endedAt = at
      passed(span, at, say)
    }
    span = { stage, startedAt: at, endedAt: undefined, hooks: [] }
    timeline.stages.push(span)
    say(stageLine(stage, plan))
  }
  if (span === undefined) return
  for (const detail of sd.lifecycleHookDetails ?? []) {
    const id = detail.hookId ?? ''
    const status = detail.status ?? ''
    const known = span.hooks.find(h => h.hookId === id)
    if (known === undefined) {
      const hook: HookSeen = {
        hookId: id,
        targetType: detail.targetType ?? 'AWS_LAMBDA',
        target: detail.targetArn,
        stage: span.stage,
        timeoutAction: detail.timeoutAction,
        status,
        seenAt: at,
        changedAt: at,
        answer: undefined
      }
      span.hooks.push(hook)
      say(hookLine(hook, true))
    } else if (known.status !== status) {
      known.status = status
      known.changedAt = at
      say(hookLine(known, false))
    }
  }
  // A finished deployment (SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED) is in no stage any more.
  if (FINISHED.has(sd.status ?? '') && span.endedAt === undefined) span.endedAt = at
}

/**
 * The deployment left a stage whose hooks were last seen unanswered: with the ROLLBACK timeout action they can
 * only have succeeded (a failure or timeout rolls back); with CONTINUE, they succeeded or timed out.
 */
function passed(span: StageSpan, at: number, say: (line: string) => void): void {
  for (const hook of span.hooks) {
    if (hook.status !== 'IN_PROGRESS' && hook.status !== 'AWAITING_ACTION') continue
    hook.status = hook.timeoutAction === 'CONTINUE' ? 'SUCCEEDED or TIMED_OUT' : 'SUCCEEDED'
    hook.changedAt = at
    say(`${hookLine(hook, false)} (the deployment moved on)`)
  }
}

/** Why ECS rolls the deployment back: the hook that answered so, else what the deployment says. */
export function rollbackCause(timeline: NativeTimeline, sd: ServiceDeployment | undefined): string {
  const hook = failedHook(timeline)
  if (hook !== undefined) return hookFailure(hook)
  return sd?.rollback?.reason ?? sd?.statusReason ?? 'ECS rolled the deployment back'
}

export async function watchNative(options: NativeWatchOptions): Promise<NativeWatchResult> {
  const { ecs, clock, log, timeline } = options
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const planner = pollPlanner(started, options.pollMs)
  const elapsed = () => `[${formatDuration(clock.now() - timeline.origin)}]`
  const say = (line: string) => log.info(`${elapsed()} ${line}`)
  const beat = heartbeat({
    clock,
    print: line => log.info(line),
    started,
    deadline,
    what: options.following === 'rollback' ? 'the rollback' : 'the service deployment'
  })
  const announced = new Set<string>()
  let sd: ServiceDeployment | undefined
  let calls = 0
  let readErrors = 0
  let moved = true
  let lastKey = ''
  let lastStatus = ''
  const result = (outcome: NativeWatchOutcome, reason: string, paused?: HookSeen): NativeWatchResult => ({
    outcome,
    reason,
    serviceDeployment: sd,
    paused,
    durationMs: clock.now() - started,
    calls
  })

  for (let poll = 0; ; poll++) {
    const now = clock.now()
    if (now >= deadline)
      return result(
        'timed-out',
        `the service deployment did not finish within ${formatDuration(options.timeoutMs)}${sd?.lifecycleStage ? ` (it is at ${sd.lifecycleStage})` : ''}`
      )
    // The first read comes at once: a deployment already paused (promote, rollback) needs no wait.
    if (poll > 0) await clock.sleep(Math.min(planner.next(now, moved), deadline - now), options.signal)
    if (options.signal?.aborted) return result('cancelled', 'the step was cancelled while waiting')
    let out
    try {
      calls++
      out = await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [options.serviceDeploymentArn] }),
        options.signal === undefined ? {} : { abortSignal: options.signal }
      )
      readErrors = 0
    } catch (error) {
      if (options.signal?.aborted) return result('cancelled', 'the step was cancelled while waiting')
      if (!isTransient(error) || ++readErrors > MAX_READ_ERRORS) throw error
      log.info(
        `${elapsed()} DescribeServiceDeployments failed (${awsErrorName(error) ?? 'error'}); trying again`
      )
      continue
    }
    sd = out.serviceDeployments?.[0]
    if (sd === undefined)
      return result('failed', `service deployment ${options.serviceDeploymentArn} was not found`)
    const at = clock.now() - timeline.origin
    recordProgress(timeline, sd, at, options.plan, say)
    const key = `${sd.status}/${sd.lifecycleStage}/${(sd.lifecycleHookDetails ?? []).map(h => h.status).join(',')}`
    moved = key !== lastKey
    lastKey = key
    const target = sd.targetServiceRevision
    beat.tick({
      running: target?.runningTaskCount ?? 0,
      pending: target?.pendingTaskCount ?? 0,
      desired: target?.requestedTaskCount ?? 0,
      state: `${sd.status ?? ''}${sd.lifecycleStage ? ` at ${sd.lifecycleStage}` : ''}`
    })

    const status = sd.status ?? ''
    if (status !== lastStatus) {
      if (lastStatus !== '' || status !== 'IN_PROGRESS') {
        const text = `service deployment ${status}${sd.statusReason ? `: ${sd.statusReason}` : ''}`
        say(text)
        timeline.notes.push({ at, text })
      }
      lastStatus = status
    }
    if (options.following === 'rollback') {
      if (status === 'ROLLBACK_SUCCESSFUL') return result('rolled-back', 'the rollback completed')
      if (status === 'ROLLBACK_FAILED')
        return result('failed', `the rollback failed: ${sd.statusReason ?? 'ROLLBACK_FAILED'}`)
      if (status === 'SUCCESSFUL' || status === 'STOPPED')
        return result('failed', `the service deployment ended ${status} instead of rolling back`)
      continue
    }
    if (status === 'SUCCESSFUL') return result('succeeded', 'the service deployment succeeded')
    if (ROLLBACK.has(status)) return result('rolled-back-by-ecs', rollbackCause(timeline, sd))
    if (status === 'STOPPED' || status === 'STOP_REQUESTED')
      return result('failed', sd.statusReason ?? `the service deployment is ${status}`)
    const pause = awaitingPause(sd)
    if (pause !== undefined) {
      const hook = currentSpan(timeline)?.hooks.find(h => h.hookId === pause)
      if (options.atPause === 'return')
        return result(
          'paused',
          `${hookName(hook ?? { targetType: 'PAUSE', target: undefined, hookId: pause })} waits at ${sd.lifecycleStage ?? '?'}`,
          hook
        )
      if (!announced.has(pause)) {
        announced.add(pause)
        say(
          `the deployment waits at ${hookName({ targetType: 'PAUSE', target: undefined, hookId: pause })} (${sd.lifecycleStage ?? '?'}): this step keeps waiting until it is continued (command: promote in another job, or the console) or the timeout passes (${formatDuration(deadline - clock.now())} left); set wait-until: paused to end the step here`
        )
      }
    }
  }
}
