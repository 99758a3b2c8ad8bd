/**
 * `command: rollback` on an ECS-native service with a deployment in progress: a deployment paused at a PAUSE
 * hook is answered ContinueServiceDeployment ROLLBACK (the API's way to roll back a paused deployment); one
 * still moving is stopped with StopServiceDeployment ROLLBACK. Either way ECS sends traffic back to the blue
 * revision, which still runs, and the rollback is followed to ROLLBACK_SUCCESSFUL. Without a deployment in
 * progress this returns undefined, and rollbackSteadyNative deploys the earlier revision (a new deployment).
 */
import { StopServiceDeploymentCommand } from '@aws-sdk/client-ecs'
import { readOnly, signalName } from '../commands/steps.js'
import type { Plan } from '../commands/rollback.js'
import { finish } from '../commands/rollback.js'
import type { CommandResult } from '../commands/types.js'
import { Input } from '../contract.js'
import { decideOutcome, newRecord, type Ending } from '../deploy/outcome.js'
import { rollbackService } from '../ecs/rolling.js'
import { shortTaskDefinition } from '../ecs/task-definition.js'
import { ActionError } from '../errors.js'
import { awsActionError, isAwsError } from '../report/aws-errors.js'
import { nativeTimelineMarkdown } from '../report/native.js'
import { nativePlan } from './config.js'
import { deploymentInProgress } from './paused.js'
import { nativeOutputs } from './deploy.js'
import {
  continueHook,
  followDeployment,
  followRollback,
  observeNative,
  type NativeStep,
  type PauseHandler
} from './step.js'
import { currentSpan, newTimeline } from './timeline.js'
import { recordProgress } from './watch.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

export async function rollbackNative(
  base: Omit<Plan, 'target'>,
  targetGiven: boolean
): Promise<CommandResult | undefined> {
  const { ctx, ecs, cluster, service, live, current } = base
  const { inputs, log, clock } = ctx
  const named = inputs.serviceDeploymentArn
  const found = await readOnly(() => deploymentInProgress(ecs, cluster, live, named))
  if (found === undefined) {
    if (named !== undefined)
      throw new ActionError(`service deployment ${named} is not in progress: there is nothing to roll back`, {
        where: { input: Input.ServiceDeploymentArn },
        hint: 'leave service-deployment-arn empty to roll the service back to its previous revision'
      })
    return undefined
  }
  // A named revision is deployed as such (a new deployment), as for rolling services.
  if (targetGiven && named === undefined) return undefined

  const green = live.deployments?.find(d => d.status === 'PRIMARY')
  const blue = live.deployments?.find(d => d !== green && d.status === 'ACTIVE')
  const to = blue?.taskDefinition ?? current
  const plan: Plan = { ...base, target: to }
  const step: NativeStep = {
    ctx,
    ecs,
    cluster,
    service,
    plan: nativePlan(found.serviceDeployment.deploymentConfiguration ?? live.deploymentConfiguration),
    timeoutMs: inputs.timeoutMs ?? base.project.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    record: newRecord(
      current,
      (live.deployments ?? []).map(d => d.id ?? '')
    ),
    timeline: newTimeline(base.started),
    serviceDeploymentArn: found.arn,
    last: live,
    lastDeployment: found.serviceDeployment,
    pausedAt: undefined,
    rollback: undefined,
    awsError: undefined,
    cancelledBy: undefined
  }
  recordProgress(step.timeline, found.serviceDeployment, 0, step.plan, line => log.info(`[0s] ${line}`))
  const hook = currentSpan(step.timeline)?.hooks.find(h => h.hookId === found.hookId)
  const short = found.arn.slice(found.arn.lastIndexOf('/') + 1)
  const method =
    hook !== undefined
      ? `ContinueServiceDeployment ROLLBACK of the deployment paused at ${hook.stage} (${short}): ECS sends traffic back to ${shortTaskDefinition(to)}`
      : `StopServiceDeployment ROLLBACK of the deployment in progress (${short}, at ${found.serviceDeployment.lifecycleStage ?? '?'}): ECS sends traffic back to ${shortTaskDefinition(to)}`
  log.info(`rolling back ${service} on ${cluster} from ${shortTaskDefinition(current)}: ${method}`)
  const timeline = () =>
    nativeTimelineMarkdown(step.timeline, step.plan, clock.now() - step.timeline.origin, found.arn)
  if (inputs.dryRun) {
    return finish(plan, {
      status: 'dry-run',
      method,
      to,
      running: current,
      deploymentId: undefined,
      state: `a rollback would go from ${shortTaskDefinition(current)} back to ${shortTaskDefinition(to)}; nothing was changed`,
      failure: undefined,
      warnings: []
    })
  }

  let ending: Ending
  try {
    if (hook !== undefined) await continueHook(step, hook, 'ROLLBACK', 'command: rollback')
    else
      await ecs.send(
        new StopServiceDeploymentCommand({ serviceDeploymentArn: found.arn, stopType: 'ROLLBACK' })
      )
  } catch (error) {
    throw isAwsError(error) ? awsActionError(error) : error
  }
  step.record.rollback = { to, deploymentId: blue?.id, trigger: 'request' }
  step.record.target = to
  if (!inputs.wait) {
    ending = { kind: 'not-waited' }
  } else {
    const result = await followRollback(step)
    switch (result?.outcome) {
      case 'rolled-back':
        ending = { kind: 'completed' }
        break
      case 'timed-out':
        ending = { kind: 'timed-out', reason: result.reason }
        break
      case 'cancelled':
      case undefined:
        ending = { kind: 'cancelled', signal: signalName(ctx) }
        break
      default:
        ending = { kind: 'failed', reason: result?.reason ?? 'the rollback did not finish' }
    }
  }
  const { observed } = await observeNative(step)
  const outcome = decideOutcome({ record: step.record, ending, live: observed })
  return finish(plan, {
    status: outcome.status,
    method,
    to,
    running: outcome.running,
    deploymentId: blue?.id,
    state: outcome.state,
    failure: outcome.failure,
    warnings: outcome.warnings,
    record: step.record,
    extraSummary: timeline()
  })
}

/**
 * `command: rollback` on an ECS-native service with no deployment in progress: the earlier revision goes out
 * as a new deployment through the same lifecycle stages. The PAUSE hooks it meets are answered CONTINUE,
 * since the revision it returns to already ran in production; `wait-until: paused` ends the step at the first
 * one instead, for teams that gate rollbacks too.
 */
export async function rollbackSteadyNative(plan: Plan): Promise<CommandResult> {
  const { ctx, ecs, cluster, service, live, current, target } = plan
  const { inputs, log, clock } = ctx
  const strategy = nativePlan(live.deploymentConfiguration)
  const gate = inputs.waitUntil === 'paused'
  const method = `UpdateService to ${shortTaskDefinition(target)}: a new ${strategy?.strategy ?? 'ECS-native'} deployment of the earlier revision${
    strategy?.pauses.length
      ? gate
        ? ', ending at its first PAUSE hook'
        : ', its PAUSE hooks answered CONTINUE'
      : ''
  }`
  log.info(`rolling back ${service} on ${cluster} from ${shortTaskDefinition(current)}: ${method}`)
  if (inputs.dryRun) {
    return finish(plan, {
      status: 'dry-run',
      method,
      to: target,
      running: current,
      deploymentId: undefined,
      state: `a rollback would go from ${shortTaskDefinition(current)} to ${shortTaskDefinition(target)}; nothing was changed`,
      failure: undefined,
      warnings: []
    })
  }
  const step: NativeStep = {
    ctx,
    ecs,
    cluster,
    service,
    plan: strategy,
    timeoutMs: inputs.timeoutMs ?? plan.project.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    record: newRecord(
      current,
      (live.deployments ?? []).map(d => d.id ?? '')
    ),
    timeline: newTimeline(plan.started),
    serviceDeploymentArn: undefined,
    last: live,
    lastDeployment: undefined,
    pausedAt: undefined,
    rollback: undefined,
    awsError: undefined,
    cancelledBy: undefined
  }
  let rolled
  try {
    rolled = await rollbackService({ ecs, clock, log, cluster, service, previous: target, live })
  } catch (error) {
    throw isAwsError(error) ? awsActionError(error) : error
  }
  step.last = rolled.service
  step.serviceDeploymentArn = rolled.serviceDeploymentArn
  step.record.rollback = { to: target, deploymentId: rolled.deploymentId, trigger: 'request' }
  step.record.target = target
  let ending: Ending
  if (!inputs.wait) ending = { kind: 'not-waited' }
  else {
    const answer: PauseHandler = hook => {
      log.info(`the rollback's deployment waits at the PAUSE hook ${hook.hookId} (${hook.stage}): CONTINUE`)
      return Promise.resolve({ action: 'CONTINUE', answer: 'command: rollback' })
    }
    ending = await log.group(`Following the rollback to ${shortTaskDefinition(target)}`, () =>
      followDeployment(step, { endAtPause: gate, onPause: gate ? undefined : answer })
    )
  }
  // Gated at a PAUSE hook, the rollback is a deployment of the earlier revision waiting like any other:
  // promote continues it, and the outcome reads it as this step's deployment.
  if (ending.kind === 'paused') {
    step.record.update = { deploymentId: rolled.deploymentId, created: false }
    step.record.rollback = undefined
  }
  const { observed } = await observeNative(step)
  const outcome = decideOutcome({ record: step.record, ending, live: observed })
  return finish(plan, {
    status: outcome.status,
    method,
    to: target,
    running: outcome.running,
    deploymentId: rolled.deploymentId,
    state: outcome.state,
    failure: outcome.failure,
    warnings: outcome.warnings,
    record: step.record,
    extraOutputs: nativeOutputs(step),
    extraSummary: nativeTimelineMarkdown(
      step.timeline,
      step.plan,
      clock.now() - step.timeline.origin,
      step.serviceDeploymentArn ?? ''
    )
  })
}
