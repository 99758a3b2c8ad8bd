import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  type Deployment,
  type ECSClient,
  type Service,
  type ServiceDeployment,
  type ServiceEvent
} from '@aws-sdk/client-ecs'
import type { Clock } from '../clock.js'
import { formatDuration } from '../duration.js'
import type { Logger } from '../log.js'
import { describeStoppedTask, reasonWithCause, stoppedTasksOf, type StoppedTask } from './diagnostics.js'
import { deploymentCounts, heartbeat } from './heartbeat.js'
import { awsErrorName } from './live.js'
import { isThrottling } from './once.js'
import { shortTaskDefinition } from './task-definition.js'

/** How a watched deployment ended. */
export type WatchOutcome =
  | 'succeeded'
  /** rolloutState FAILED, the service deployment stopped, or replaced by someone else's deployment. */
  | 'failed'
  /** ECS's circuit breaker gave up and is rolling the service back to the previous task definition. */
  | 'rolled-back-by-ecs'
  /** Another deployment (not ours, not ECS rolling ours back) became PRIMARY. */
  | 'superseded'
  | 'timed-out'
  /** The step's AbortSignal fired (SIGINT, SIGTERM): the deployment goes on in ECS. */
  | 'cancelled'

/** Counts of one deployment at one moment. */
export interface DeploymentSnapshot {
  readonly id: string
  readonly status: string
  readonly taskDefinition: string
  readonly desired: number
  readonly pending: number
  readonly running: number
  readonly failed: number
  readonly rolloutState: string | undefined
}

/** A moment when some count changed, `at` in ms since the watch started. */
export interface TimelinePoint {
  readonly at: number
  readonly deployments: readonly DeploymentSnapshot[]
}

export interface WatchResult {
  readonly outcome: WatchOutcome
  /** Said to a person: why it ended so. */
  readonly reason: string
  /** The deployment watched (ECS id). */
  readonly deploymentId: string | undefined
  readonly timeline: readonly TimelinePoint[]
  /** Service events that appeared while watching, oldest first. */
  readonly events: readonly ServiceEvent[]
  /** Stopped tasks of the watched task definition, seen while watching. */
  readonly stoppedTasks: readonly StoppedTask[]
  /** The service as last described. */
  readonly service: Service | undefined
  readonly durationMs: number
  /** API calls made by the watch, by operation. */
  readonly calls: Readonly<Record<string, number>>
}

export interface WatchOptions {
  readonly ecs: ECSClient
  readonly clock: Clock
  readonly log: Logger
  readonly cluster: string
  readonly service: string
  /** The deployment to follow (from the CreateService/UpdateService reply). */
  readonly deploymentId: string | undefined
  /** The service deployment ARN, for DescribeServiceDeployments (undefined: DescribeServices only). */
  readonly serviceDeploymentArn: string | undefined
  readonly taskDefinitionArn: string
  readonly timeoutMs: number
  /** Fixed poll interval (tests); otherwise `pollPlanner`'s schedule. */
  readonly pollMs?: number | undefined
  /** Event ids already shown (or from before the deploy), so each event prints once. */
  readonly seenEvents?: Set<string> | undefined
  /** Following ECS's own circuit-breaker rollback: ROLLBACK_* statuses are its progress, not a failure. */
  readonly ecsRollback?: boolean | undefined
  /** Wakes the watch at once; it then returns `cancelled`. */
  readonly signal?: AbortSignal | undefined
}

/** Poll delays (CodeDeploy's watch): first check within 2 s, then slower, never slower than every 10 s. */
export function pollDelay(poll: number, fixed: number | undefined): number {
  if (fixed !== undefined) return fixed
  const schedule = [2000, 2000, 3000, 5000, 8000]
  return schedule[poll] ?? 10_000
}

/**
 * When the rolling watch polls. While the deployment moves (counts or events changed within `activeForMs`),
 * every `quickMs`; while it holds still, every `slowMs`. A token bucket (`burst` polls, one more every
 * `refillMs`) caps the calls however the rollout behaves: any 30 minutes hold at most
 * burst + 1 800 000 / refillMs polls, and a capped poll still comes within refillMs (< slowMs).
 */
export const POLL_SCHEDULE = {
  quickMs: 2000,
  activeForMs: 10_000,
  slowMs: 8000,
  burst: 60,
  refillMs: 5500
} as const

export interface PollPlanner {
  /**
   * The delay before the next poll. `now` is the clock's time, `changed` whether the poll just made saw
   * anything new (false before the first poll: the watch's start counts as a change).
   */
  next(now: number, changed: boolean): number
}

/** The poll schedule of one watch started at `start`; a fixed interval (tests) when `fixedMs` is given. */
export function pollPlanner(start: number, fixedMs?: number): PollPlanner {
  if (fixedMs !== undefined) return { next: () => fixedMs }
  const { quickMs, activeForMs, slowMs, burst, refillMs } = POLL_SCHEDULE
  let lastChange = start
  let tokens: number = burst
  let tokensAt = start
  return {
    next(now, changed) {
      if (changed) lastChange = now
      const wanted = now - lastChange < activeForMs ? quickMs : slowMs
      const available = Math.min(burst, tokens + Math.max(0, now - tokensAt) / refillMs)
      // The poll spends a token when it happens: wait until one will be there.
      const delay = Math.max(wanted, Math.ceil((1 - available) * refillMs))
      tokens = Math.min(burst, available + delay / refillMs) - 1
      tokensAt = now + delay
      return delay
    }
  }
}

const TERMINAL_FAILURE = new Set(['STOPPED', 'STOP_REQUESTED', 'ROLLBACK_FAILED'])
const ROLLING_BACK = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL'])
/** Consecutive failed reads tolerated while watching. */
const MAX_READ_ERRORS = 5

/** Throttling, 5xx or a network error: worth another poll. */
function isTransient(error: unknown): boolean {
  if (isThrottling(error)) return true
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return status === undefined || status >= 500
}

/** Describe stopped tasks while watching at most this often (they cost two calls). */
const STOPPED_TASKS_EVERY_MS = 60_000

/**
 * Follows one rolling deployment until it completes, fails or the timeout passes, printing each change of
 * counts and each new service event. Success means this deployment COMPLETED, not merely a stable service.
 */
export async function watchDeployment(options: WatchOptions): Promise<WatchResult> {
  const { ecs, clock, log } = options
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const seen = options.seenEvents ?? new Set<string>()
  const timeline: TimelinePoint[] = []
  const events: ServiceEvent[] = []
  const stopped = new Map<string, StoppedTask>()
  const calls: Record<string, number> = {}
  const count = (op: string) => void (calls[op] = (calls[op] ?? 0) + 1)
  const elapsed = () => `[${formatDuration(clock.now() - started)}]`
  const lastLine = new Map<string, string>()
  let deploymentId = options.deploymentId
  let serviceDeploymentArn = options.serviceDeploymentArn
  let serviceDeploymentsAllowed = true
  let lastFailed = 0
  let lastStoppedCheck = -Infinity
  let service: Service | undefined
  let poll = 0
  let readErrors = 0
  const planner = pollPlanner(started, options.pollMs)
  const beat = heartbeat({ clock, print: line => log.info(line), started, deadline, what: 'the deployment' })
  // Whether the last poll saw a count change or a new event: the planner polls sooner while things move.
  let moved = false

  const result = (outcome: WatchOutcome, reason: string): WatchResult => ({
    outcome,
    // The failure line says why tasks stopped, not only that the rollout failed.
    reason: outcome === 'succeeded' ? reason : reasonWithCause(reason, [...stopped.values()], events),
    deploymentId,
    timeline,
    events,
    stoppedTasks: [...stopped.values()],
    service,
    durationMs: clock.now() - started,
    calls
  })

  const describeServiceDeployment = async (): Promise<ServiceDeployment | undefined> => {
    if (!serviceDeploymentsAllowed) return undefined
    try {
      if (serviceDeploymentArn === undefined) {
        // DescribeServices names it as currentServiceDeployment; where it does not, the newest listed is ours.
        count('ListServiceDeployments')
        const listed = await ecs.send(
          new ListServiceDeploymentsCommand({
            cluster: options.cluster,
            service: options.service,
            maxResults: 1
          })
        )
        serviceDeploymentArn = listed.serviceDeployments?.[0]?.serviceDeploymentArn
        if (serviceDeploymentArn === undefined) return undefined
      }
      count('DescribeServiceDeployments')
      const out = await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] })
      )
      return out.serviceDeployments?.[0]
    } catch (error) {
      const name = awsErrorName(error)
      if (
        name === 'AccessDeniedException' ||
        name === 'UnknownOperationException' ||
        name === 'UnsupportedFeatureException'
      ) {
        serviceDeploymentsAllowed = false
        log.info(
          `service deployments cannot be read (${name}); following the deployment through DescribeServices`
        )
        return undefined
      }
      throw error
    }
  }

  const checkStoppedTasks = async (force: boolean): Promise<void> => {
    if (!force && clock.now() - lastStoppedCheck < STOPPED_TASKS_EVERY_MS) return
    lastStoppedCheck = clock.now()
    count('ListTasks')
    const found = await stoppedTasksOf(ecs, options.cluster, options.service, options.taskDefinitionArn)
    for (const task of found.reverse()) {
      if (stopped.has(task.taskArn)) continue
      stopped.set(task.taskArn, task)
      log.info(`${elapsed()} ${describeStoppedTask(task)}`)
    }
  }

  for (;;) {
    const now = clock.now()
    if (now >= deadline) {
      if (lastFailed > 0) await checkStoppedTasks(true)
      return result('timed-out', `the deployment did not finish within ${formatDuration(options.timeoutMs)}`)
    }
    await clock.sleep(Math.min(planner.next(now, moved), deadline - now), options.signal)
    if (options.signal?.aborted) return result('cancelled', 'the step was cancelled while waiting')
    poll++
    moved = false

    count('DescribeServices')
    let out
    try {
      out = await ecs.send(
        new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] }),
        options.signal === undefined ? {} : { abortSignal: options.signal }
      )
      readErrors = 0
    } catch (error) {
      if (options.signal?.aborted) return result('cancelled', 'the step was cancelled while waiting')
      // A read that failed after the SDK's retries: skip this poll, unless AWS keeps failing.
      if (!isTransient(error) || ++readErrors > MAX_READ_ERRORS) throw error
      log.info(`${elapsed()} DescribeServices failed (${awsErrorName(error) ?? 'error'}); trying again`)
      continue
    }
    service = out.services?.[0]
    if (service === undefined || service.status === 'INACTIVE') {
      return result('failed', `service ${options.service} disappeared while deploying`)
    }
    serviceDeploymentArn ??= service.currentServiceDeployment
    const deployments = service.deployments ?? []
    deploymentId ??= deployments.find(
      d => d.status === 'PRIMARY' && d.taskDefinition === options.taskDefinitionArn
    )?.id

    // Progress: counts that changed, then new events (oldest first).
    const snapshots = deployments.map(snapshot)
    let changed = false
    for (const s of snapshots) {
      const role = s.id === deploymentId ? 'new' : s.status === 'PRIMARY' ? 'other' : 'old'
      const line = `${shortTaskDefinition(s.taskDefinition)} ${role} ${s.status}: running ${s.running}, pending ${s.pending}, desired ${s.desired}${s.failed ? `, failed ${s.failed}` : ''}${s.rolloutState ? ` (${s.rolloutState})` : ''}`
      if (lastLine.get(s.id) !== line) {
        lastLine.set(s.id, line)
        log.info(`${elapsed()} ${line}`)
        changed = true
      }
    }
    if (changed || timeline.length === 0) timeline.push({ at: clock.now() - started, deployments: snapshots })
    moved = changed
    for (const event of [...(service.events ?? [])].reverse()) {
      const key = event.id ?? `${event.createdAt?.getTime() ?? ''}${event.message ?? ''}`
      if (seen.has(key)) continue
      seen.add(key)
      moved = true
      events.push(event)
      log.info(`${elapsed()} event: ${event.message ?? ''}`)
    }

    const ours = deployments.find(d => d.id === deploymentId)
    beat.tick(ours === undefined ? undefined : deploymentCounts(ours))
    if (ours !== undefined && (ours.failedTasks ?? 0) > lastFailed) {
      lastFailed = ours.failedTasks ?? 0
      await checkStoppedTasks(false)
    }

    const verdict = await judge(
      ours,
      deploymentId,
      deployments,
      poll === 1,
      options.ecsRollback === true,
      describeServiceDeployment
    )
    if (verdict !== undefined) {
      // A wave of tasks can fail and trip the circuit breaker between two polls (3 tasks: one wave), so a
      // failure always asks for the stopped tasks, even when no poll saw failedTasks rise.
      if (verdict.outcome === 'failed' || verdict.outcome === 'rolled-back-by-ecs')
        await checkStoppedTasks(true)
      else if (verdict.outcome !== 'succeeded' && lastFailed > 0) await checkStoppedTasks(true)
      return result(verdict.outcome, verdict.reason)
    }
  }
}

function snapshot(d: Deployment): DeploymentSnapshot {
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    taskDefinition: d.taskDefinition ?? '',
    desired: d.desiredCount ?? 0,
    pending: d.pendingCount ?? 0,
    running: d.runningCount ?? 0,
    failed: d.failedTasks ?? 0,
    rolloutState: d.rolloutState
  }
}

interface Verdict {
  readonly outcome: WatchOutcome
  readonly reason: string
}

/**
 * Decides from one DescribeServices answer whether the deployment is over. DescribeServiceDeployments is
 * asked only on the first poll (to know early whether it is allowed) and when the deployment looks over.
 */
async function judge(
  ours: Deployment | undefined,
  oursId: string | undefined,
  deployments: readonly Deployment[],
  first: boolean,
  ecsRollback: boolean,
  describeServiceDeployment: () => Promise<ServiceDeployment | undefined>
): Promise<Verdict | undefined> {
  const primary = deployments.find(d => d.status === 'PRIMARY')
  const taken = oursId !== undefined && primary !== undefined && primary.id !== oursId
  const looksOver =
    ours === undefined || taken || ours.rolloutState === 'COMPLETED' || ours.rolloutState === 'FAILED'
  const sd = first || looksOver ? await describeServiceDeployment() : undefined
  if (taken) {
    // Another deployment is PRIMARY: ECS rolling ours back, or someone else's deploy taking over.
    const ecsRollingBack =
      !ecsRollback &&
      ((sd?.status !== undefined && ROLLING_BACK.has(sd.status)) ||
        ((ours === undefined || ours.rolloutState === 'FAILED') &&
          isRollbackReason(primary.rolloutStateReason)))
    if (ecsRollingBack) {
      return {
        outcome: 'rolled-back-by-ecs',
        reason: ours?.rolloutStateReason ?? rollbackReason(primary, sd?.statusReason)
      }
    }
    return {
      outcome: 'superseded',
      reason: `deployment ${primary.id ?? '?'} of ${shortTaskDefinition(primary.taskDefinition)} took over`
    }
  }
  if (ecsRollback) {
    if (sd?.status === 'ROLLBACK_SUCCESSFUL')
      return { outcome: 'succeeded', reason: 'the rollback completed' }
    if (sd?.status === 'ROLLBACK_FAILED')
      return { outcome: 'failed', reason: sd.statusReason ?? 'the rollback failed' }
  } else if (sd?.status !== undefined) {
    // Requested, but the rollback deployment is not PRIMARY yet: look again.
    if (ROLLING_BACK.has(sd.status)) return undefined
    if (TERMINAL_FAILURE.has(sd.status)) {
      return { outcome: 'failed', reason: sd.statusReason ?? `the service deployment is ${sd.status}` }
    }
  }

  if (ours === undefined) {
    return {
      outcome: 'failed',
      reason: `the deployment was replaced by deployment ${primary?.id ?? '(unknown)'} (another deploy of this service?)`
    }
  }
  if (ours.rolloutState === 'COMPLETED') return { outcome: 'succeeded', reason: 'the deployment completed' }
  if (ours.rolloutState === 'FAILED') {
    return { outcome: 'failed', reason: ours.rolloutStateReason ?? 'the deployment failed' }
  }
  // Without rollout state (older services): the only deployment, at its desired count.
  if (
    ours.rolloutState === undefined &&
    deployments.length === 1 &&
    (ours.runningCount ?? 0) === (ours.desiredCount ?? 0) &&
    (ours.pendingCount ?? 0) === 0
  ) {
    return { outcome: 'succeeded', reason: 'the deployment reached its desired count' }
  }
  if (sd?.status === 'SUCCESSFUL') return { outcome: 'succeeded', reason: 'the service deployment succeeded' }
  return undefined
}

/** ECS names its own rollback deployments so: "ECS deployment circuit breaker: rolling back to deploymentId …". */
function isRollbackReason(reason: string | undefined): boolean {
  return reason !== undefined && /rolling back to deployment/i.test(reason)
}

function rollbackReason(d: Deployment | undefined, statusReason: string | undefined): string {
  if (statusReason) return statusReason
  const to = d?.taskDefinition === undefined ? '' : ` to ${shortTaskDefinition(d.taskDefinition)}`
  return `ECS deployment circuit breaker rolled the service back${to}`
}
