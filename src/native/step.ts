/**
 * What a deploy and `command: promote` share once an ECS-native service deployment exists: following it with
 * the native watch (answering PAUSE hooks as asked), the rollback `rollback-events` asks for
 * (StopServiceDeployment ROLLBACK, only of the step's own deployment), and the final read the outcome is
 * decided from. Every ending goes through decideOutcome.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  StopServiceDeploymentCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { signalName } from '../commands/steps.js'
import type { CommandContext } from '../commands/types.js'
import { primaryOwner, type Ending, type Observed, type WriteRecord } from '../deploy/outcome.js'
import { observe } from '../ecs/observed.js'
import { recordRollbackFailure } from '../deploy/step-errors.js'
import type { AwsErrorInfo } from '../report/aws-errors.js'
import type { NativePlan } from './config.js'
import { findHook, type HookSeen, type NativeTimeline } from './timeline.js'
import { awaitingPause, recordProgress, watchNative, type NativeWatchResult } from './watch.js'

/** How long a read may take after a cancellation, so the report comes within 2 s of the signal. */
const READ_AFTER_CANCEL_MS = 1000

/**
 * What the step does when the deployment waits at a PAUSE hook: end there (`wait-until: paused`), keep
 * waiting for someone else, or decide itself (test-command): `continue` / `rollback` answer the hook.
 */
export type PauseHandler = (
  hook: HookSeen,
  step: NativeStep
) => Promise<{ action: 'CONTINUE' | 'ROLLBACK'; answer: string; reason?: string }>

export interface NativeStep {
  readonly ctx: CommandContext
  readonly ecs: ECSClient
  readonly cluster: string
  readonly service: string
  readonly plan: NativePlan | undefined
  readonly timeoutMs: number
  readonly record: WriteRecord
  readonly timeline: NativeTimeline
  serviceDeploymentArn: string | undefined
  /** The service and the service deployment as last described. */
  last: Service | undefined
  lastDeployment: ServiceDeployment | undefined
  /** The PAUSE hook the step ended at (`paused`). */
  pausedAt: HookSeen | undefined
  /** How the rollback went, for the summary. */
  rollback:
    | { readonly by: 'ecs' | 'action'; readonly how: string; readonly result: NativeWatchResult | undefined }
    | undefined
  awsError: AwsErrorInfo | undefined
  cancelledBy: string | undefined
}

/**
 * Follows the deployment to its first ending. A PAUSE hook: `paused` with `endAtPause`; answered by
 * `onPause` when given (then followed on); else waited at (the watch says so in the log).
 */
export async function followDeployment(
  step: NativeStep,
  options: { readonly endAtPause: boolean; readonly onPause?: PauseHandler | undefined }
): Promise<Ending> {
  const { ctx } = step
  const arn = step.serviceDeploymentArn
  if (arn === undefined)
    return { kind: 'failed', reason: 'the service deployment of this update could not be found' }
  const started = ctx.clock.now()
  // The test command's own time (test-timeout) does not count against `timeout`, as for CodeDeploy.
  let answering = 0
  for (;;) {
    const left = step.timeoutMs - (ctx.clock.now() - started - answering)
    const watch = await watchNative({
      ecs: step.ecs,
      clock: ctx.clock,
      log: ctx.log,
      serviceDeploymentArn: arn,
      plan: step.plan,
      timeline: step.timeline,
      timeoutMs: Math.max(0, left),
      pollMs: ctx.pollIntervalMs,
      signal: ctx.signal,
      atPause: options.endAtPause || options.onPause !== undefined ? 'return' : 'wait',
      following: 'deployment'
    })
    step.lastDeployment = watch.serviceDeployment ?? step.lastDeployment
    switch (watch.outcome) {
      case 'succeeded':
        return { kind: 'completed' }
      case 'paused': {
        const hook = watch.paused!
        if (options.endAtPause || options.onPause === undefined) {
          step.pausedAt = hook
          return { kind: 'paused', serviceDeploymentArn: arn, hookId: hook.hookId, stage: hook.stage }
        }
        const asked = ctx.clock.now()
        const decision = await options.onPause(hook, step)
        answering += ctx.clock.now() - asked
        if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }
        await continueHook(step, hook, decision.action, decision.answer)
        if (decision.action === 'ROLLBACK') {
          step.record.rollback = {
            to: step.record.previous ?? '',
            deploymentId: blueDeployment(step),
            trigger: 'failure'
          }
          const rollback = await followRollback(step)
          step.rollback = {
            by: 'action',
            how: `ContinueServiceDeployment ROLLBACK at ${hook.stage}`,
            result: rollback
          }
          return { kind: 'failed', reason: decision.reason ?? decision.answer }
        }
        continue
      }
      case 'rolled-back-by-ecs': {
        // ECS puts the blue deployment back as PRIMARY: the outcome knows the rollback by that id.
        await readService(step)
        const primary = step.last?.deployments?.find(d => d.status === 'PRIMARY')
        const deploymentId =
          primary !== undefined && primary.id !== step.record.update?.deploymentId
            ? primary.id
            : blueDeployment(step)
        return { kind: 'ecs-rollback', reason: watch.reason, deploymentId }
      }
      case 'timed-out':
        return { kind: 'timed-out', reason: watch.reason }
      case 'cancelled':
        return { kind: 'cancelled', signal: signalName(ctx) }
      default:
        return { kind: 'failed', reason: watch.reason }
    }
  }
}

/** ContinueServiceDeployment on a waiting PAUSE hook; the answer goes in the timeline. */
export async function continueHook(
  step: NativeStep,
  hook: HookSeen,
  action: 'CONTINUE' | 'ROLLBACK',
  answer: string
): Promise<void> {
  const { ctx } = step
  ctx.log.info(`ContinueServiceDeployment ${action} on ${hook.hookId} at ${hook.stage}: ${answer}`)
  await step.ecs.send(
    new ContinueServiceDeploymentCommand({
      serviceDeploymentArn: step.serviceDeploymentArn,
      hookId: hook.hookId,
      action
    })
  )
  const seen = findHook(step.timeline, hook.hookId) ?? hook
  seen.answer = `${action}: ${answer}`
  step.timeline.notes.push({
    at: ctx.clock.now() - step.timeline.origin,
    text: `${action} sent for the PAUSE hook at ${hook.stage} (${answer})`
  })
}

/** The deployment the service goes back to on a rollback: the one that ran before (not ours). */
function blueDeployment(step: NativeStep): string | undefined {
  const ours = step.record.update?.deploymentId
  return step.last?.deployments?.find(d => d.id !== ours && d.status !== 'INACTIVE')?.id
}

/** Follows a rollback (ECS's or the step's) to ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED, for up to a timeout. */
export async function followRollback(step: NativeStep): Promise<NativeWatchResult | undefined> {
  const { ctx } = step
  if (step.serviceDeploymentArn === undefined || ctx.signal?.aborted) return undefined
  const watch = await ctx.log.group('Waiting for the rollback', () =>
    watchNative({
      ecs: step.ecs,
      clock: ctx.clock,
      log: ctx.log,
      serviceDeploymentArn: step.serviceDeploymentArn!,
      plan: step.plan,
      timeline: step.timeline,
      timeoutMs: step.timeoutMs,
      pollMs: ctx.pollIntervalMs,
      signal: ctx.signal,
      atPause: 'wait',
      following: 'rollback'
    })
  )
  step.lastDeployment = watch.serviceDeployment ?? step.lastDeployment
  if (watch.outcome === 'cancelled') step.cancelledBy = signalName(ctx)
  return watch
}

/**
 * After the first ending: follow ECS's rollback, or send the one `rollback-events` asks for —
 * StopServiceDeployment ROLLBACK on failure, timeout or error (DEPLOYMENT_FAILURE) and on cancellation
 * (DEPLOYMENT_STOP_ON_REQUEST) — only while the deployment is this step's and still in progress.
 */
export async function afterNativeEnding(step: NativeStep, ending: Ending): Promise<void> {
  const { ctx, record } = step
  const events = ctx.inputs.rollbackEvents
  try {
    if (ending.kind === 'ecs-rollback') {
      const result = await followRollback(step)
      step.rollback = { by: 'ecs', how: 'ECS rolled the deployment back', result }
      return
    }
    if (record.rollback !== undefined) return
    const failed = ending.kind === 'failed' || ending.kind === 'timed-out' || ending.kind === 'error'
    const cancelled = ending.kind === 'cancelled'
    const wanted =
      (failed && events.includes('DEPLOYMENT_FAILURE')) ||
      (cancelled && events.includes('DEPLOYMENT_STOP_ON_REQUEST'))
    if (!wanted || record.update === undefined || step.serviceDeploymentArn === undefined) return
    // Never touch another's deployment: ours must still be in progress and the service's PRIMARY.
    const [service, sd] = await Promise.all([readService(step), readDeployment(step)])
    const owner = primaryOwner(record, ending, observe(service ?? step.last))
    if (
      (owner !== 'ours' && owner !== 'unknown') ||
      (sd !== undefined && sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')
    ) {
      ctx.log.info(
        `not rolling back: the service deployment ${sd?.status === undefined ? 'is not this step’s' : `is ${sd.status}`}${owner === 'other' ? ' and another deployment is PRIMARY' : ''}`
      )
      return
    }
    ctx.log.info(`StopServiceDeployment ROLLBACK of ${step.serviceDeploymentArn} (rollback-events)`)
    await step.ecs.send(
      new StopServiceDeploymentCommand({
        serviceDeploymentArn: step.serviceDeploymentArn,
        stopType: 'ROLLBACK'
      })
    )
    record.rollback = {
      to: record.previous ?? '',
      deploymentId: blueDeployment(step),
      trigger: cancelled ? 'cancel' : 'failure'
    }
    const how = 'StopServiceDeployment ROLLBACK (rollback-events)'
    // Cancelled: the runner kills the step soon; the report says where the rollback stands.
    if (cancelled) {
      step.rollback = { by: 'action', how, result: undefined }
      return
    }
    step.rollback = { by: 'action', how, result: await followRollback(step) }
  } catch (error) {
    recordRollbackFailure(step, error)
  }
}

const readOptions = (step: NativeStep) =>
  step.ctx.signal?.aborted ? { abortSignal: AbortSignal.timeout(READ_AFTER_CANCEL_MS) } : {}

export async function readService(step: NativeStep): Promise<Service | undefined> {
  try {
    const out = await step.ecs.send(
      new DescribeServicesCommand({ cluster: step.cluster, services: [step.service] }),
      readOptions(step)
    )
    const service = out.services?.[0]
    if (service !== undefined) step.last = service
    return service
  } catch {
    return undefined
  }
}

export async function readDeployment(step: NativeStep): Promise<ServiceDeployment | undefined> {
  if (step.serviceDeploymentArn === undefined) return undefined
  try {
    const out = await step.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [step.serviceDeploymentArn] }),
      readOptions(step)
    )
    const sd = out.serviceDeployments?.[0]
    if (sd !== undefined) step.lastDeployment = sd
    return sd
  } catch {
    return undefined
  }
}

/** The final read the outcome is decided from: the service, and the status of the step's service deployment. */
export async function observeNative(
  step: NativeStep
): Promise<{ observed: Observed | undefined; fresh: boolean }> {
  const [service, sd] = await Promise.all([readService(step), readDeployment(step)])
  const current = service ?? step.last
  const base = observe(current)
  const last = sd ?? step.lastDeployment
  if (sd !== undefined)
    recordProgress(step.timeline, sd, step.ctx.clock.now() - step.timeline.origin, step.plan, line =>
      step.ctx.log.info(line)
    )
  const status = last?.status
  if (base === undefined) return { observed: undefined, fresh: false }
  const hookId = awaitingPause(last)
  const pausedAt = hookId === undefined ? undefined : { hookId, stage: last?.lifecycleStage ?? '?' }
  return {
    observed: status === undefined ? base : { ...base, serviceDeployment: { status, pausedAt } },
    fresh: service !== undefined
  }
}
