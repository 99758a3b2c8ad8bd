/**
 * `command: promote`: continues an ECS-native deployment that waits at a PAUSE hook (ContinueServiceDeployment
 * CONTINUE) and follows it to its end with the deploy's watch, rollback and report. The second job of a
 * two-job workflow, behind an environment with required reviewers; it needs only the config (and optionally
 * the deploy job's `service-deployment-arn`, so it never promotes a newer deployment than the one reviewed).
 */
import { Output } from '../contract.js'
import { decideOutcome, hasWritten, newRecord, type Ending } from '../deploy/outcome.js'
import { describeLive } from '../ecs/live.js'
import { pickStrategy } from '../ecs/strategy.js'
import { ActionError } from '../errors.js'
import { nativePlan } from '../native/config.js'
import { pausedDeployment } from '../native/paused.js'
import {
  afterNativeEnding,
  continueHook,
  followDeployment,
  observeNative,
  type NativeStep
} from '../native/step.js'
import { currentSpan, newTimeline } from '../native/timeline.js'
import { recordProgress } from '../native/watch.js'
import { nativeOutputs } from '../native/deploy.js'
import type { Project } from '../project.js'
import { errorEnding } from '../deploy/step-errors.js'
import { annotateErrors, awsActionError, isAwsError } from '../report/aws-errors.js'
import { consoleUrl } from '../report/deploy.js'
import { promoteSummary } from '../report/native.js'
import { readOnly, signalName } from './steps.js'
import type { CommandContext, CommandResult } from './types.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

export async function runPromote(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const { config } = project
  const { inputs, log, clock } = ctx
  if (config.service === undefined)
    throw new ActionError('the config names no service to promote', {
      where: { file: config.path },
      hint: "add 'service: <name>' to the config"
    })
  const cluster = config.cluster
  const serviceName = config.service
  const clients = ctx.awsClients(config.region)
  const ecs = annotateErrors(await clients.ecs())
  const started = clock.now()

  const live = await readOnly(() => describeLive(ecs, cluster, serviceName))
  if (live.service === undefined)
    throw new ActionError(
      `service ${serviceName} does not exist in cluster ${cluster}: there is nothing to promote`,
      {
        where: { file: config.path },
        hint: 'check cluster and service in the config, and the region'
      }
    )
  const service = live.service
  const kind = pickStrategy(service, undefined)
  if (kind !== 'native')
    throw new ActionError(
      `command: promote continues an ECS-native blue/green, linear or canary deployment; service ${serviceName} deploys ${kind === 'codedeploy' ? 'with CodeDeploy' : 'rolling'}`,
      {
        hint:
          kind === 'codedeploy'
            ? 'a CodeDeploy deployment that waits for rerouting is continued in CodeDeploy (ContinueDeployment)'
            : 'set deploymentConfiguration.strategy (BLUE_GREEN, LINEAR, CANARY) with a PAUSE lifecycle hook in the service definition'
      }
    )
  const found = await readOnly(() =>
    pausedDeployment(ecs, cluster, service, inputs.serviceDeploymentArn, 'promote')
  )
  const plan = nativePlan(found.serviceDeployment.deploymentConfiguration ?? service.deploymentConfiguration)
  const green = service.deployments?.find(d => d.status === 'PRIMARY')
  const blue = service.deployments?.find(d => d !== green && d.status === 'ACTIVE')
  const step: NativeStep = {
    ctx,
    ecs,
    cluster,
    service: serviceName,
    plan,
    timeoutMs: inputs.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    record: newRecord(
      blue?.taskDefinition,
      (service.deployments ?? []).map(d => d.id ?? '')
    ),
    timeline: newTimeline(started),
    serviceDeploymentArn: found.arn,
    last: service,
    lastDeployment: found.serviceDeployment,
    pausedAt: undefined,
    rollback: undefined,
    awsError: undefined,
    cancelledBy: undefined
  }
  step.record.target = green?.taskDefinition ?? service.taskDefinition
  recordProgress(step.timeline, found.serviceDeployment, 0, plan, line => log.info(`[0s] ${line}`))
  const hook = currentSpan(step.timeline)?.hooks.find(h => h.hookId === found.hookId)
  if (hook === undefined)
    throw new ActionError(`hook ${found.hookId} is not in the service deployment's current stage`)
  log.info(
    `promoting ${serviceName}: service deployment ${found.arn} waits at ${hook.stage} (${hook.hookId})`
  )

  if (inputs.dryRun) {
    const state = `service deployment ${found.arn} waits at ${hook.stage}; promote would continue it (ContinueServiceDeployment CONTINUE); nothing was changed`
    log.info(state)
    return {
      status: 'dry-run',
      outputs: { [Output.Status]: 'dry-run', ...nativeOutputs({ ...step, pausedAt: hook }) },
      summary: promoteSummary({
        step,
        status: 'dry-run',
        failure: undefined,
        state,
        region: config.region,
        now: clock.now()
      })
    }
  }

  let ending: Ending
  try {
    if (ctx.signal?.aborted) {
      ending = { kind: 'cancelled', signal: signalName(ctx) }
    } else {
      await continueHook(step, hook, 'CONTINUE', 'command: promote')
      // Continuing adopts the deployment: from here on its outcome is this step's, as a deploy's update is.
      step.record.update = { deploymentId: green?.id, created: false }
      ending = await log.group('Following the promoted deployment', () =>
        followDeployment(step, { endAtPause: inputs.waitUntil === 'paused' })
      )
    }
  } catch (error) {
    if (!hasWritten(step.record)) throw isAwsError(error) ? awsActionError(error) : error
    ending = errorEnding(step, error)
  }
  await afterNativeEnding(step, ending)
  const { observed } = await observeNative(step)
  const outcome = decideOutcome({
    record: step.record,
    ending,
    live: observed,
    cancelledBy: step.cancelledBy
  })
  for (const warning of outcome.warnings) log.warning(warning)
  log.info(outcome.failure ?? `${outcome.status}: ${outcome.state}`)
  const outputs: Record<string, string> = {
    [Output.Status]: outcome.status,
    [Output.ConsoleUrl]: consoleUrl(config.region, cluster, serviceName),
    ...nativeOutputs(step)
  }
  if (outcome.running !== undefined) outputs[Output.TaskDefinitionArn] = outcome.running
  if (step.record.previous !== undefined) outputs[Output.PreviousTaskDefinitionArn] = step.record.previous
  if (service.serviceArn !== undefined) outputs[Output.ServiceArn] = service.serviceArn
  if (green?.id !== undefined) outputs[Output.DeploymentId] = green.id
  return {
    status: outcome.status,
    outputs,
    summary: promoteSummary({
      step,
      status: outcome.status,
      failure: outcome.failure,
      state: outcome.state,
      region: config.region,
      now: clock.now(),
      warnings: outcome.warnings
    }),
    failure: outcome.failure
  }
}
