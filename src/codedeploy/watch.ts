/**
 * Follows one CodeDeploy ECS deployment: its status, lifecycle events, traffic shifted to the replacement
 * task set, task set counts and the service's events, until it succeeds (or, with `wait-until: ready`, waits
 * for rerouting), fails, or the timeout passes.
 */
import {
  GetDeploymentCommand,
  BatchGetDeploymentTargetsCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type ECSTarget
} from '@aws-sdk/client-codedeploy'
import { DescribeServicesCommand, type ECSClient, type ServiceEvent } from '@aws-sdk/client-ecs'
import type { Clock } from '../clock.js'
import type { RollbackEvent } from '../contract.js'
import { formatDuration } from '../duration.js'
import { isRoutineStop, stoppedTasksOf, type StoppedTask } from '../ecs/diagnostics.js'
import { awsErrorName } from '../ecs/live.js'
import { heartbeat, type HeartbeatCounts } from '../ecs/heartbeat.js'
import { pollDelay } from '../ecs/watch.js'
import type { Logger } from '../log.js'
import { hookFunction, type AppSpecHook } from './appspec.js'
import { isTerminal } from './in-progress.js'

export type CodeDeployOutcome =
  | 'succeeded'
  | 'ready'
  | 'failed'
  /** CodeDeploy's rollback deployment succeeded: production traffic is on the original task set. */
  | 'rolled-back'
  /** CodeDeploy is rolling back and its rollback deployment had not ended when the watch gave up. */
  | 'rolling-back'
  | 'timed-out'
  | 'cancelled'

export interface LifecycleEventState {
  readonly name: string
  readonly status: string
  readonly startTime: Date | undefined
  readonly endTime: Date | undefined
  readonly errorCode: string | undefined
  readonly message: string | undefined
  readonly logTail: string | undefined
  /** The hook's Lambda function: from the AppSpec, else CodeDeploy's scriptName. */
  readonly hookFunction: string | undefined
}

export interface TaskSetState {
  /** `Blue` (original) or `Green` (replacement). */
  readonly label: string
  readonly id: string
  readonly status: string
  readonly desired: number
  readonly pending: number
  readonly running: number
  readonly trafficWeight: number
}

/** One change seen while watching; `at` in ms since the watch started. */
export interface TimelineEntry {
  readonly at: number
  readonly kind: 'status' | 'lifecycle' | 'traffic' | 'tasks' | 'action'
  readonly text: string
}

export interface CodeDeployWatchResult {
  readonly outcome: CodeDeployOutcome
  /** Said to a person: why it ended so. */
  readonly reason: string
  readonly deploymentId: string
  /** CodeDeploy's last status (Succeeded, Ready, Failed, Stopped, InProgress…). */
  readonly status: string | undefined
  readonly lifecycleEvents: readonly LifecycleEventState[]
  readonly taskSets: readonly TaskSetState[]
  readonly timeline: readonly TimelineEntry[]
  /** Service events that appeared while watching, oldest first. */
  readonly serviceEvents: readonly ServiceEvent[]
  /** The lifecycle event that failed, if one did. */
  readonly failedEvent: LifecycleEventState | undefined
  readonly error: { readonly code: string | undefined; readonly message: string | undefined } | undefined
  readonly rollback:
    | {
        readonly deploymentId: string | undefined
        readonly message: string | undefined
        /** The rollback deployment's last status, when there is one and it was read. */
        readonly status?: string | undefined
      }
    | undefined
  /** Whether this watch sent StopDeployment (on timeout). */
  readonly stopRequested: boolean
  /** Tasks of the new task definition that stopped, read when the deployment did not succeed. */
  readonly stoppedTasks: readonly StoppedTask[]
  readonly durationMs: number
}

export interface CodeDeployWatchOptions {
  readonly codedeploy: CodeDeployClient
  readonly ecs: ECSClient
  readonly clock: Clock
  readonly log: Logger
  readonly cluster: string
  readonly service: string
  readonly deploymentId: string
  readonly timeoutMs: number
  readonly waitUntil: 'succeeded' | 'ready'
  /** The deployment's rollback events; DEPLOYMENT_STOP_ON_REQUEST makes a timeout stop and roll back. */
  readonly rollbackEvents: readonly RollbackEvent[]
  readonly hooks: readonly AppSpecHook[]
  /** Fixed poll interval; otherwise 2 s first, growing to 10 s. */
  readonly pollMs?: number | undefined
  /** Event ids shown before (the live service's), so each event prints once. */
  readonly seenEvents?: ReadonlySet<string> | undefined
  /** How long to follow a stop requested on timeout before giving up on it. */
  readonly stopGraceMs?: number | undefined
  /** Cancels the watch (SIGINT, SIGTERM): StopDeployment with rollback when DEPLOYMENT_STOP_ON_REQUEST is set. */
  readonly signal?: AbortSignal | undefined
  /** The task definition deployed: its stopped tasks say why a deployment failed. */
  readonly taskDefinitionArn?: string | undefined
  /** StopDeployment was already sent (test-command failed): the stop's rollback is ours to follow. */
  readonly stopRequested?: boolean | undefined
  /** An earlier watch of the same deployment: what it printed is not printed again. */
  readonly resumeFrom?: CodeDeployWatchResult | undefined
}

/** After a timeout's StopDeployment, follow the rollback at most this long. */
const STOP_GRACE_MS = 5 * 60_000

export async function watchCodeDeploy(options: CodeDeployWatchOptions): Promise<CodeDeployWatchResult> {
  const watched = await follow(options)
  if (
    watched.outcome === 'succeeded' ||
    watched.outcome === 'ready' ||
    options.taskDefinitionArn === undefined
  )
    return watched
  // Why the replacement's tasks stopped (a pull error, a crash) is the likeliest cause; a failed read of it
  // must not hide the outcome.
  const stoppedTasks = await stoppedTasksOf(
    options.ecs,
    options.cluster,
    options.service,
    options.taskDefinitionArn
  ).catch(() => [])
  // The replacement scaled in by the rollback is no failure: keep the tasks that stopped on their own.
  return { ...watched, stoppedTasks: stoppedTasks.filter(t => !isRoutineStop(t)) }
}

async function follow(options: CodeDeployWatchOptions): Promise<CodeDeployWatchResult> {
  const { codedeploy, ecs, clock, log } = options
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const at = () => clock.now() - started
  const stamp = () => `[${formatDuration(at())}]`
  const timeline: TimelineEntry[] = []
  const serviceEvents: ServiceEvent[] = []
  const seen = new Set(options.seenEvents ?? [])
  const note = (kind: TimelineEntry['kind'], text: string) => {
    timeline.push({ at: at(), kind, text })
    log.info(`${stamp()} ${text}`)
  }
  const lifecycle = new Map<string, LifecycleEventState>(
    (options.resumeFrom?.lifecycleEvents ?? []).map(e => [e.name, e])
  )
  let taskSets: TaskSetState[] = [...(options.resumeFrom?.taskSets ?? [])]
  let info: DeploymentInfo | undefined
  let status: string | undefined = options.resumeFrom?.status
  let lastTraffic = trafficLine(taskSets)
  let lastTasks = tasksLine(taskSets)
  let readyNoted = false
  let stopRequested = options.stopRequested ?? false
  let poll = 0
  /** The rollback deployment as last read. */
  let rollbackInfo: DeploymentInfo | undefined

  const result = (outcome: CodeDeployOutcome, reason: string): CodeDeployWatchResult => {
    const events = [...lifecycle.values()]
    const rollback = info?.rollbackInfo
    return {
      outcome,
      reason,
      deploymentId: options.deploymentId,
      status,
      lifecycleEvents: events,
      taskSets,
      timeline,
      serviceEvents,
      failedEvent: events.find(e => e.status === 'Failed'),
      error: info?.errorInformation
        ? { code: info.errorInformation.code, message: info.errorInformation.message }
        : undefined,
      rollback:
        rollback && (rollback.rollbackDeploymentId || rollback.rollbackMessage)
          ? {
              deploymentId: rollback.rollbackDeploymentId,
              message: rollback.rollbackMessage,
              status: rollbackInfo?.status
            }
          : undefined,
      stopRequested,
      stoppedTasks: [],
      durationMs: at()
    }
  }

  const observe = async (): Promise<void> => {
    info = (await codedeploy.send(new GetDeploymentCommand({ deploymentId: options.deploymentId })))
      .deploymentInfo
    if (info?.status !== status) {
      status = info?.status
      note('status', `deployment ${options.deploymentId}: ${status ?? 'unknown'}${statusDetail(info)}`)
    }
    const target = await deploymentTarget(
      codedeploy,
      options.deploymentId,
      `${options.cluster}:${options.service}`
    )
    if (target !== undefined) {
      for (const event of target.lifecycleEvents ?? []) {
        const name = event.lifecycleEventName ?? ''
        const state: LifecycleEventState = {
          name,
          status: event.status ?? 'Unknown',
          startTime: event.startTime,
          endTime: event.endTime,
          errorCode: event.diagnostics?.errorCode,
          message: event.diagnostics?.message,
          logTail: event.diagnostics?.logTail,
          hookFunction: hookFunction(options.hooks, name) ?? (event.diagnostics?.scriptName || undefined)
        }
        const before = lifecycle.get(name)
        lifecycle.set(name, state)
        if (before?.status === state.status || (before === undefined && state.status === 'Pending')) continue
        const hook = state.hookFunction === undefined ? '' : ` (hook ${state.hookFunction})`
        const why = state.status === 'Failed' && state.message ? `: ${state.message}` : ''
        note('lifecycle', `${name} ${state.status}${hook}${why}`)
      }
      taskSets = (target.taskSetsInfo ?? []).map(t => ({
        label: t.taskSetLabel ?? '',
        id: t.identifer ?? '',
        status: t.status ?? '',
        desired: t.desiredCount ?? 0,
        pending: t.pendingCount ?? 0,
        running: t.runningCount ?? 0,
        trafficWeight: t.trafficWeight ?? 0
      }))
      const traffic = trafficLine(taskSets)
      if (traffic !== undefined && traffic !== lastTraffic) {
        lastTraffic = traffic
        note('traffic', traffic)
      }
      const tasks = tasksLine(taskSets)
      if (tasks !== '' && tasks !== lastTasks) {
        lastTasks = tasks
        note('tasks', tasks)
      }
    }
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] })
    )
    for (const event of [...(described.services?.[0]?.events ?? [])].reverse()) {
      const key = eventKey(event)
      if (seen.has(key)) continue
      seen.add(key)
      serviceEvents.push(event)
      log.info(`${stamp()} event: ${event.message ?? ''}`)
    }
  }

  const ended = (): CodeDeployWatchResult | undefined => {
    if (status === 'Succeeded') return result('succeeded', 'the deployment succeeded')
    if (status === 'Ready') {
      if (options.waitUntil === 'ready') {
        return result(
          'ready',
          'the replacement task set takes test traffic; the deployment waits for rerouting'
        )
      }
      if (!readyNoted) {
        readyNoted = true
        log.info(
          `${stamp()} the replacement takes test traffic; the deployment waits for rerouting (continue it in the CodeDeploy console or with aws deploy continue-deployment)`
        )
      }
      return undefined
    }
    if (status === 'Failed' || status === 'Stopped') {
      const rolledBack = wasRolledBack(info, options.rollbackEvents, stopRequested)
      return result(
        rolledBack ? 'rolled-back' : 'failed',
        failureReason(info, [...lifecycle.values()], rolledBack)
      )
    }
    return undefined
  }

  /**
   * CodeDeploy rolls back with a deployment of its own: `rolled-back` only once that deployment succeeded,
   * read until `until`; still running then, `rolling-back`; failed, `failed`.
   */
  const followRollback = async (
    ending: CodeDeployWatchResult,
    until: number,
    lead: string
  ): Promise<CodeDeployWatchResult> => {
    const id = info?.rollbackInfo?.rollbackDeploymentId
    if (ending.outcome !== 'rolled-back' || id === undefined || id === options.deploymentId) return ending
    note('action', `following rollback deployment ${id}`)
    const beat = heartbeat({
      clock,
      print: line => log.info(line),
      started: clock.now(),
      deadline: until,
      what: `rollback deployment ${id}`
    })
    let last: string | undefined
    for (let p = 0; ; p++) {
      rollbackInfo = (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo
      if (rollbackInfo?.status !== last) {
        last = rollbackInfo?.status
        note('status', `rollback deployment ${id}: ${last ?? 'unknown'}${statusDetail(rollbackInfo)}`)
      }
      if (isTerminal(last) || clock.now() >= until) break
      beat.tick(undefined)
      await clock.sleep(Math.min(pollDelay(p, options.pollMs), Math.max(1, until - clock.now())))
    }
    if (last === 'Succeeded') return result('rolled-back', `${lead}; rolled back by deployment ${id}`)
    if (isTerminal(last)) {
      const why = rollbackInfo?.errorInformation?.message
      return result(
        'failed',
        `${lead}; the rollback deployment ${id} ${last?.toLowerCase() ?? 'ended'}${why ? `: ${why}` : ''}`
      )
    }
    return result(
      'rolling-back',
      `${lead}; CodeDeploy is still rolling back (deployment ${id} is ${last ?? 'in progress'})`
    )
  }

  const beat = heartbeat({
    clock,
    print: line => log.info(line),
    started,
    deadline,
    what: `deployment ${options.deploymentId}`
  })
  for (;;) {
    const now = clock.now()
    if (now >= deadline) break
    await clock.sleep(Math.min(pollDelay(poll, options.pollMs), deadline - now), options.signal)
    if (options.signal?.aborted) return cancelled()
    poll++
    await observe()
    beat.tick(replacementCounts(taskSets, status))
    const verdict = ended()
    if (verdict !== undefined) {
      return followRollback(verdict, deadline, failureReason(info, [...lifecycle.values()], false))
    }
  }

  async function cancelled(): Promise<CodeDeployWatchResult> {
    const reason = typeof options.signal?.reason === 'string' ? options.signal.reason : 'a cancellation'
    if (!options.rollbackEvents.includes('DEPLOYMENT_STOP_ON_REQUEST')) {
      return result(
        'cancelled',
        `cancelled by ${reason}; deployment ${options.deploymentId} continues in CodeDeploy (${status ?? 'active'})`
      )
    }
    note('action', `cancelled by ${reason}; stopping deployment ${options.deploymentId} with rollback`)
    const stop = await codedeploy.send(
      new StopDeploymentCommand({ deploymentId: options.deploymentId, autoRollbackEnabled: true })
    )
    stopRequested = true
    return result(
      'cancelled',
      `cancelled by ${reason}; StopDeployment with rollback was sent (${stop.status ?? 'Pending'}): CodeDeploy rolls deployment ${options.deploymentId} back to the original task set`
    )
  }

  const waited = formatDuration(options.timeoutMs)
  if (!options.rollbackEvents.includes('DEPLOYMENT_STOP_ON_REQUEST')) {
    return result(
      'timed-out',
      `the deployment did not finish within ${waited} (still ${status ?? 'active'}); it keeps running in CodeDeploy`
    )
  }
  note('action', `timed out after ${waited}; stopping deployment ${options.deploymentId} with rollback`)
  const stop = await codedeploy.send(
    new StopDeploymentCommand({ deploymentId: options.deploymentId, autoRollbackEnabled: true })
  )
  stopRequested = true
  if (stop.statusMessage) log.info(`StopDeployment: ${stop.status ?? ''} (${stop.statusMessage})`)
  const graceEnd = clock.now() + (options.stopGraceMs ?? STOP_GRACE_MS)
  for (let grace = 0; clock.now() < graceEnd; grace++) {
    await clock.sleep(Math.min(pollDelay(grace, options.pollMs), Math.max(0, graceEnd - clock.now())))
    await observe()
    if (isTerminal(status)) break
  }
  if (status === 'Stopped' || status === 'Failed') {
    return followRollback(
      result('rolled-back', `the deployment did not finish within ${waited}; it was stopped and rolled back`),
      graceEnd,
      `the deployment did not finish within ${waited}; it was stopped`
    )
  }
  if (status === 'Succeeded') return result('succeeded', 'the deployment succeeded as it was being stopped')
  return result(
    'timed-out',
    `the deployment did not finish within ${waited}; a stop with rollback was requested but it is still ${status ?? 'active'}`
  )
}

function trafficLine(taskSets: readonly TaskSetState[]): string | undefined {
  const green = taskSets.find(t => t.label === 'Green')
  return green === undefined
    ? undefined
    : `traffic to the replacement task set: ${formatWeight(green.trafficWeight)}%`
}

function tasksLine(taskSets: readonly TaskSetState[]): string {
  return taskSets
    .map(
      t =>
        `${t.label === 'Green' ? 'replacement' : t.label === 'Blue' ? 'original' : t.label} ${t.status}: running ${t.running}, pending ${t.pending}, desired ${t.desired}`
    )
    .join('; ')
}

/** The replacement (Green) task set's counts and the deployment's status, for the heartbeat. */
function replacementCounts(
  taskSets: readonly TaskSetState[],
  status: string | undefined
): HeartbeatCounts | undefined {
  const green = taskSets.find(t => t.label === 'Green')
  if (green === undefined) return undefined
  return { running: green.running, pending: green.pending, desired: green.desired, state: status }
}

async function deploymentTarget(
  codedeploy: CodeDeployClient,
  deploymentId: string,
  targetId: string
): Promise<ECSTarget | undefined> {
  try {
    const out = await codedeploy.send(
      new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: [targetId] })
    )
    return out.deploymentTargets?.[0]?.ecsTarget
  } catch (error) {
    // Before the deployment starts there is no target yet.
    const name = awsErrorName(error)
    if (name === 'DeploymentTargetDoesNotExistException' || name === 'DeploymentNotStartedException')
      return undefined
    throw error
  }
}

function statusDetail(info: DeploymentInfo | undefined): string {
  const latest = info?.deploymentStatusMessages?.filter(m => m !== '').at(-1)
  return latest === undefined ? '' : ` (${latest})`
}

function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : weight.toFixed(1)
}

export function eventKey(event: ServiceEvent): string {
  return event.id ?? `${event.createdAt?.getTime() ?? ''}${event.message ?? ''}`
}

/**
 * Did CodeDeploy roll the deployment back? It says so in rollbackInfo; otherwise, the deployment's own
 * automatic rollback on the event that ended it counts.
 */
export function wasRolledBack(
  info: DeploymentInfo | undefined,
  requested: readonly RollbackEvent[],
  stopRequested: boolean
): boolean {
  if (info?.rollbackInfo?.rollbackDeploymentId || info?.rollbackInfo?.rollbackMessage) return true
  const auto = info?.autoRollbackConfiguration
  const events: readonly string[] = auto?.enabled ? (auto.events ?? []) : requested
  if (info?.status === 'Failed') return events.includes('DEPLOYMENT_FAILURE')
  if (info?.status === 'Stopped') return stopRequested && events.includes('DEPLOYMENT_STOP_ON_REQUEST')
  return false
}

/** Why a deployment failed: the failing lifecycle event and its hook, else CodeDeploy's error information. */
export function failureReason(
  info: DeploymentInfo | undefined,
  events: readonly LifecycleEventState[],
  rolledBack: boolean
): string {
  const failed = events.find(e => e.status === 'Failed')
  const parts: string[] = []
  if (failed !== undefined) {
    const hook = failed.hookFunction === undefined ? '' : ` (hook ${failed.hookFunction})`
    parts.push(`lifecycle event ${failed.name}${hook} failed${failed.message ? `: ${failed.message}` : ''}`)
  }
  const error = info?.errorInformation
  if (error?.message && !parts.some(p => p.includes(error.message!))) {
    parts.push(`${error.code ? `${error.code}: ` : ''}${error.message}`)
  }
  if (parts.length === 0) parts.push(`the deployment is ${info?.status ?? 'over'}`)
  if (rolledBack) {
    const rollback = info?.rollbackInfo
    parts.push(
      rollback?.rollbackDeploymentId
        ? `rolled back by deployment ${rollback.rollbackDeploymentId}`
        : (rollback?.rollbackMessage ?? 'CodeDeploy rolled back to the original task set')
    )
  }
  return parts.join('; ')
}
