/**
 * ECS-native blue/green, linear and canary deployments (deploymentConfiguration.strategy other than ROLLING,
 * since 2025): what CreateService/UpdateService refuse, and the service deployment's walk through its
 * lifecycle stages on the virtual clock, with Lambda hooks answered by the scenario, PAUSE hooks waiting for
 * ContinueServiceDeployment, bake time, and rollback (traffic back to the blue revision, green tasks stopped).
 */
import type { Ecs } from './ecs.js'
import type { Service, ServiceDeploymentRecord } from './ecs-model.js'
import {
  asArray,
  asNumber,
  asObject,
  asString,
  asStringArray,
  invalidParameter,
  seconds,
  type Json
} from './util.js'

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const
/** DeploymentLifecycleHookStage: where a hook can run. */
export const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
] as const
/**
 * The stages a deployment walks, in order. PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage only (it is not in
 * ServiceDeploymentLifecycleStage): its hooks run here before production traffic moves, while DescribeServiceDeployments
 * still says POST_TEST_TRAFFIC_SHIFT.
 */
const STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
] as const
export type Stage = (typeof STAGES)[number]

export type HookStatus = 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT'

export interface HookRun {
  hookId: string
  targetType: 'AWS_LAMBDA' | 'PAUSE'
  targetArn?: string
  stage: Stage
  status: HookStatus
  startedAt: number
  expiresAt: number
  timeoutAction: 'CONTINUE' | 'ROLLBACK'
  /** Lambda hooks: when the scenario's answer arrives (never, for a hook that times out). */
  answerAt?: number
  answer?: 'SUCCEEDED' | 'FAILED'
}

export interface NativeState {
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY'
  stage: Stage
  stageStartedAt: number
  /** Every hook run so far, oldest first (DescribeServiceDeployments shows the current stage's). */
  hooks: HookRun[]
  /** Percent of production traffic on the green revision. */
  productionPercent: number
  testPercent: number
  /** When production traffic last moved (linear and canary steps). */
  shiftedAt?: number
  /** The blue deployment's id: where a rollback goes back to. */
  blueDeploymentId?: string | undefined
  rollingBack: boolean
}

/** How the scenario answers a Lambda hook: the first rule matching its target ARN and stage. */
export interface HookRule {
  hookTargetArn?: string
  stage?: string
  /** NO_ANSWER: the hook never answers and times out. */
  answer: 'SUCCEEDED' | 'FAILED' | 'NO_ANSWER'
  afterSeconds?: number
}

const MINUTE = 60_000

function inRange(value: unknown, name: string, min: number, max: number, tenth = false): void {
  if (value === undefined) return
  const n = asNumber(value, name)
  if (n === undefined || n < min || n > max || (tenth && Math.abs(n * 10 - Math.round(n * 10)) > 1e-9))
    throw invalidParameter(`${name} must be ${tenth ? 'a multiple of 0.1 ' : ''}between ${min} and ${max}.`)
}

/**
 * CreateService/UpdateService: the deployment configuration and load balancers a strategy needs. The fields
 * and ranges are the API reference's (DeploymentConfiguration, DeploymentLifecycleHook, LinearConfiguration,
 * CanaryConfiguration, AdvancedConfiguration); the wording of the errors is the emulator's.
 */
export function checkStrategy(dc: Json, loadBalancers: Json[], controller: string): void {
  const strategy = asString(dc.strategy, 'strategy') ?? 'ROLLING'
  if (!(STRATEGIES as readonly string[]).includes(strategy))
    throw invalidParameter(`Invalid strategy '${strategy}'. The valid values are ${STRATEGIES.join(', ')}.`)
  if (strategy !== 'ROLLING' && controller !== 'ECS')
    throw invalidParameter(`The ${strategy} deployment strategy requires the ECS deployment controller.`)
  if (dc.linearConfiguration !== undefined && strategy !== 'LINEAR')
    throw invalidParameter('linearConfiguration is only valid when the deployment strategy is LINEAR.')
  if (dc.canaryConfiguration !== undefined && strategy !== 'CANARY')
    throw invalidParameter('canaryConfiguration is only valid when the deployment strategy is CANARY.')
  const linear = asObject(dc.linearConfiguration, 'linearConfiguration')
  inRange(linear?.stepPercent, 'linearConfiguration.stepPercent', 3, 100, true)
  inRange(linear?.stepBakeTimeInMinutes, 'linearConfiguration.stepBakeTimeInMinutes', 0, 1440)
  const canary = asObject(dc.canaryConfiguration, 'canaryConfiguration')
  inRange(canary?.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1, 100, true)
  inRange(canary?.canaryBakeTimeInMinutes, 'canaryConfiguration.canaryBakeTimeInMinutes', 0, 1440)
  if (strategy === 'BLUE_GREEN' && dc.bakeTimeInMinutes === undefined)
    throw invalidParameter('bakeTimeInMinutes must be specified when the deployment strategy is BLUE_GREEN.')
  inRange(dc.bakeTimeInMinutes, 'bakeTimeInMinutes', 0, 1440)
  for (const [i, raw] of (asArray(dc.lifecycleHooks, 'lifecycleHooks') as Json[]).entries()) {
    const hook = asObject(raw, `lifecycleHooks[${i}]`) ?? {}
    const where = `lifecycleHooks[${i}]`
    const type = asString(hook.targetType, `${where}.targetType`) ?? 'AWS_LAMBDA'
    if (type !== 'AWS_LAMBDA' && type !== 'PAUSE')
      throw invalidParameter(`${where}.targetType must be AWS_LAMBDA or PAUSE.`)
    if (type === 'AWS_LAMBDA') {
      if (asString(hook.hookTargetArn, `${where}.hookTargetArn`) === undefined)
        throw invalidParameter(`${where}.hookTargetArn must be specified for an AWS_LAMBDA lifecycle hook.`)
      if (asString(hook.roleArn, `${where}.roleArn`) === undefined)
        throw invalidParameter(`${where}.roleArn must be specified for an AWS_LAMBDA lifecycle hook.`)
    }
    const stages = asStringArray(hook.lifecycleStages, `${where}.lifecycleStages`)
    if (stages.length === 0) throw invalidParameter(`${where}.lifecycleStages cannot be empty.`)
    for (const s of stages)
      if (!(HOOK_STAGES as readonly string[]).includes(s))
        throw invalidParameter(
          `Invalid lifecycle stage '${s}' in ${where}. The valid values are ${HOOK_STAGES.join(', ')}.`
        )
    const timeout = asObject(hook.timeoutConfiguration, `${where}.timeoutConfiguration`)
    // DeploymentLifecycleHookTimeoutConfiguration: timeoutInMinutes from 1 to 20160 (14 days).
    inRange(timeout?.timeoutInMinutes, `${where}.timeoutConfiguration.timeoutInMinutes`, 1, 20160)
    const action = asString(timeout?.action, `${where}.timeoutConfiguration.action`)
    if (action !== undefined && action !== 'CONTINUE' && action !== 'ROLLBACK')
      throw invalidParameter(`${where}.timeoutConfiguration.action must be CONTINUE or ROLLBACK.`)
  }
  if (strategy === 'ROLLING') return
  // Without a load balancer (or Service Connect) blue/green is allowed, only without managed traffic shifting
  // ("Required resources for Amazon ECS blue/green deployments"). Behind one, the emulator insists on the
  // advanced configuration ECS needs to shift traffic.
  for (const [i, lb] of loadBalancers.entries()) {
    const advanced = asObject(lb.advancedConfiguration, `loadBalancers[${i}].advancedConfiguration`)
    if (!advanced)
      throw invalidParameter(
        `loadBalancers[${i}].advancedConfiguration must be specified for the ${strategy} deployment strategy.`
      )
    for (const key of ['alternateTargetGroupArn', 'productionListenerRule', 'roleArn'] as const)
      if (asString(advanced[key], key) === undefined)
        throw invalidParameter(
          `loadBalancers[${i}].advancedConfiguration.${key} must be specified for the ${strategy} deployment strategy.`
        )
    if (advanced.alternateTargetGroupArn === lb.targetGroupArn)
      throw invalidParameter(
        `loadBalancers[${i}].advancedConfiguration.alternateTargetGroupArn must differ from targetGroupArn.`
      )
  }
}

export function strategyOf(service: Service): string {
  return typeof service.deploymentConfiguration.strategy === 'string'
    ? service.deploymentConfiguration.strategy
    : 'ROLLING'
}

/** A new service deployment of a native strategy starts in PRE_SCALE_UP (RECONCILE_SERVICE with 2+ revisions). */
export function startNative(
  ecs: Ecs,
  service: Service,
  record: ServiceDeploymentRecord,
  at: number,
  activeRevisions: number
): void {
  const strategy = strategyOf(service)
  if (strategy === 'ROLLING') return
  const native: NativeState = {
    strategy: strategy as NativeState['strategy'],
    stage: 'PRE_SCALE_UP',
    stageStartedAt: at,
    hooks: [],
    productionPercent: 0,
    testPercent: 0,
    rollingBack: false
  }
  record.native = native
  enter(ecs, service, native, activeRevisions > 1 ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP', at)
}

/** The scheduler holds the blue tasks and launches no green ones before SCALE_UP. */
export function holdsBlue(record: ServiceDeploymentRecord | undefined): boolean {
  const n = record?.native
  return n !== undefined && record?.status === 'IN_PROGRESS' && n.stage !== 'CLEAN_UP'
}

export function launchesGreen(record: ServiceDeploymentRecord | undefined): boolean {
  const n = record?.native
  return (
    n === undefined ||
    record?.status !== 'IN_PROGRESS' ||
    (n.stage !== 'RECONCILE_SERVICE' && n.stage !== 'PRE_SCALE_UP')
  )
}

/** Done: the scheduler may call the deployment completed. */
export function nativeDone(record: ServiceDeploymentRecord | undefined): boolean {
  const n = record?.native
  return n === undefined || record?.status !== 'IN_PROGRESS' || n.stage === 'CLEAN_UP'
}

function hooksFor(service: Service, stage: Stage): Json[] {
  return (asArray(service.deploymentConfiguration.lifecycleHooks, 'lifecycleHooks') as Json[]).filter(h =>
    asStringArray(h.lifecycleStages, 'lifecycleStages').includes(stage)
  )
}

function enter(ecs: Ecs, service: Service, n: NativeState, stage: Stage, time: number): void {
  n.stage = stage
  n.stageStartedAt = time
  for (const hook of hooksFor(service, stage)) {
    const type = hook.targetType === 'PAUSE' ? 'PAUSE' : 'AWS_LAMBDA'
    const timeout = asObject(hook.timeoutConfiguration, 'timeoutConfiguration') ?? {}
    const minutes = asNumber(timeout.timeoutInMinutes, 'timeoutInMinutes') ?? 1440
    const run: HookRun = {
      hookId:
        type === 'PAUSE'
          ? `ecs-pause-${ecs.world.rng.alnumUpper(43)}`
          : `ecs-hook-${ecs.world.rng.alnumUpper(43)}`,
      targetType: type,
      stage,
      status: type === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      startedAt: time,
      expiresAt: time + minutes * MINUTE,
      timeoutAction: timeout.action === 'CONTINUE' ? 'CONTINUE' : 'ROLLBACK'
    }
    if (type === 'AWS_LAMBDA') {
      run.targetArn = String(hook.hookTargetArn)
      const rule = ecs.scenario.hookRules.find(
        r =>
          (r.hookTargetArn === undefined || r.hookTargetArn === run.targetArn) &&
          (r.stage === undefined || r.stage === stage)
      )
      const answer = rule?.answer ?? 'SUCCEEDED'
      if (answer !== 'NO_ANSWER') {
        run.answer = answer
        run.answerAt = time + (rule?.afterSeconds ?? ecs.scenario.lambdaHookSeconds) * 1000
      }
    }
    n.hooks.push(run)
  }
}

/** Percent of production traffic on green after the shift steps due by `time`. */
function shiftProduction(service: Service, n: NativeState, time: number): void {
  const dc = service.deploymentConfiguration
  if (n.strategy === 'BLUE_GREEN') {
    n.productionPercent = 100
    return
  }
  if (n.strategy === 'CANARY') {
    const c = asObject(dc.canaryConfiguration, 'canaryConfiguration') ?? {}
    const percent = asNumber(c.canaryPercent, 'canaryPercent') ?? 5
    const bake = (asNumber(c.canaryBakeTimeInMinutes, 'canaryBakeTimeInMinutes') ?? 10) * MINUTE
    if (n.productionPercent === 0) {
      n.productionPercent = percent
      n.shiftedAt = time
    } else if (time >= (n.shiftedAt ?? time) + bake) {
      n.productionPercent = 100
      n.shiftedAt = time
    }
    return
  }
  const l = asObject(dc.linearConfiguration, 'linearConfiguration') ?? {}
  const step = asNumber(l.stepPercent, 'stepPercent') ?? 10
  const bake = (asNumber(l.stepBakeTimeInMinutes, 'stepBakeTimeInMinutes') ?? 6) * MINUTE
  if (n.shiftedAt === undefined || time >= n.shiftedAt + bake) {
    n.productionPercent = Math.min(100, Math.round((n.productionPercent + step) * 10) / 10)
    n.shiftedAt = time
  }
}

/** The stage's own work, apart from its hooks: is it finished by `time`? */
function stageWorkDone(ecs: Ecs, service: Service, n: NativeState, greenId: string, time: number): boolean {
  switch (n.stage) {
    case 'SCALE_UP': {
      const green = ecs
        .tasksOf(service)
        .filter(t => t.deploymentId === greenId && t.desiredStatus === 'RUNNING')
      return (
        green.length === service.desiredCount &&
        green.every(t => t.lastStatus === 'RUNNING' && t.healthyAt !== undefined && t.healthyAt <= time)
      )
    }
    case 'TEST_TRAFFIC_SHIFT':
      n.testPercent = 100
      return true
    case 'PRODUCTION_TRAFFIC_SHIFT':
      shiftProduction(service, n, time)
      return n.productionPercent >= 100
    case 'BAKE_TIME': {
      const bake = asNumber(service.deploymentConfiguration.bakeTimeInMinutes, 'bakeTimeInMinutes') ?? 0
      return time >= n.stageStartedAt + bake * MINUTE
    }
    case 'CLEAN_UP':
      return false
    default:
      return true
  }
}

/**
 * One tick of a native deployment: answers and timeouts of its hooks, then the next stage once the current
 * one's hooks succeeded and its work is done. A failed hook (or a timeout with ROLLBACK) rolls it back.
 */
export function stepNative(ecs: Ecs, service: Service, record: ServiceDeploymentRecord, time: number): void {
  const n = record.native
  if (!n) return
  const green = service.deployments.find(d => d.serviceDeploymentArn === record.arn && d.status === 'PRIMARY')
  if (n.rollingBack) {
    const greenAlive = ecs
      .tasksOf(service)
      .some(
        t =>
          t.deploymentId !== n.blueDeploymentId && t.lastStatus !== 'STOPPED' && t.serviceKey === service.key
      )
    if (!greenAlive && record.status === 'ROLLBACK_IN_PROGRESS') {
      record.status = 'ROLLBACK_SUCCESSFUL'
      record.finishedAt = time
      record.updatedAt = time
    }
    return
  }
  if (record.status !== 'IN_PROGRESS' || !green) return
  // Blue is the revision production traffic is on: the last completed one, not a green one superseded.
  n.blueDeploymentId ??=
    service.deployments.find(d => d !== green && d.id === service.lastCompleted?.deploymentId)?.id ??
    service.deployments.find(d => d !== green && d.status === 'ACTIVE')?.id
  const current = n.hooks.filter(h => h.stage === n.stage)
  for (const h of current) {
    if (h.status === 'IN_PROGRESS' && h.answerAt !== undefined && time >= h.answerAt && h.answer) {
      h.status = h.answer
      record.updatedAt = time
    }
    if ((h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION') && time >= h.expiresAt) {
      h.status = 'TIMED_OUT'
      record.updatedAt = time
    }
  }
  const failed = current.find(
    h => h.status === 'FAILED' || (h.status === 'TIMED_OUT' && h.timeoutAction === 'ROLLBACK')
  )
  if (failed) {
    const why =
      failed.status === 'FAILED'
        ? `Lifecycle hook ${failed.hookId} failed at ${n.stage}.`
        : `Lifecycle hook ${failed.hookId} timed out at ${n.stage}.`
    rollBackNative(ecs, service, record, why, time)
    return
  }
  const hooksDone = current.every(h => h.status === 'SUCCEEDED' || h.status === 'TIMED_OUT')
  if (!hooksDone || !stageWorkDone(ecs, service, n, green.id, time)) return
  const next = STAGES[STAGES.indexOf(n.stage) + 1]
  if (next === undefined) return
  enter(ecs, service, n, next, time)
  record.updatedAt = time
  // A stage without hooks and work may end in the same tick: walk on until one waits.
  stepNative(ecs, service, record, time)
}

/** Traffic back to blue, blue PRIMARY again, green drained; ROLLBACK_SUCCESSFUL once its tasks are gone. */
export function rollBackNative(
  ecs: Ecs,
  service: Service,
  record: ServiceDeploymentRecord,
  reason: string,
  time: number
): void {
  const n = record.native
  if (!n) return
  const green = service.deployments.find(d => d.serviceDeploymentArn === record.arn)
  const blue =
    service.deployments.find(d => d.id === n.blueDeploymentId) ??
    service.deployments.find(d => d !== green && d.status === 'ACTIVE')
  n.rollingBack = true
  n.productionPercent = 0
  n.testPercent = 0
  n.blueDeploymentId = blue?.id
  record.status = 'ROLLBACK_IN_PROGRESS'
  record.statusReason = reason
  record.updatedAt = time
  const previous = service.lastCompleted
  record.rollback = {
    reason,
    startedAt: time,
    serviceRevisionArn: blue?.serviceRevisionArn ?? previous?.serviceRevisionArn ?? ''
  }
  if (green) {
    green.status = 'ACTIVE'
    green.rolloutState = 'FAILED'
    green.rolloutStateReason = reason
    green.updatedAt = time
  }
  if (blue) {
    blue.status = 'PRIMARY'
    service.deployments = [blue, ...service.deployments.filter(d => d !== blue)]
    service.taskDefinition = blue.taskDefinition
  }
  service.steady = false
  ecs.event(
    service,
    `(service ${service.name}) (deployment ${green?.id ?? ''}) rolling back: ${reason}`,
    time
  )
}

/** DescribeServiceDeployments' lifecycleStage and lifecycleHookDetails (the current stage's hooks). */
export function describeNative(record: ServiceDeploymentRecord): Json {
  const n = record.native
  if (!n) return {}
  const stage = n.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' ? 'POST_TEST_TRAFFIC_SHIFT' : n.stage
  return {
    lifecycleStage: stage,
    lifecycleHookDetails: n.hooks
      .filter(h => h.stage === n.stage)
      .map(h => ({
        hookId: h.hookId,
        targetType: h.targetType,
        ...(h.targetArn !== undefined ? { targetArn: h.targetArn } : {}),
        status: h.status,
        expiresAt: seconds(h.expiresAt),
        timeoutAction: h.timeoutAction
      }))
  }
}
