import { createHash, randomBytes } from 'node:crypto'

import type { ECSClient } from '@aws-sdk/client-ecs'
import type { AwsClients } from '../aws/clients.js'
import type { Status } from '../contract.js'
import { readScalableRange } from '../ecs/autoscaling.js'
import { describeLive, type LiveState } from '../ecs/live.js'
import { createService, rollbackService, updateService, type Applied } from '../ecs/rolling.js'
import { planDesiredCount, type DesiredCountPlan, type ServiceDefinition } from '../ecs/service-input.js'
import { pickStrategy } from '../ecs/strategy.js'
import { resolveTaskDefinition, type ResolvedTaskDefinition } from '../ecs/task-definition.js'
import { watchDeployment, type WatchResult } from '../ecs/watch.js'
import { checkAgainstLiveService } from '../definitions/index.js'
import { ActionError } from '../errors.js'
import type { Project } from '../project.js'
import {
  annotateErrors,
  awsActionError,
  explainAwsError,
  isAwsError,
  type AwsErrorInfo
} from '../report/aws-errors.js'
import { deployOutputs, deploySummary, imageChanges, type DeployReport } from '../report/deploy.js'
import type { CommandContext, CommandResult } from './types.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

/**
 * `command: deploy` for services with the ECS (rolling) deployment controller: plan read-only, register the
 * task definition, one CreateService/UpdateService, watch the deployment, roll back on request, report.
 */
export async function runDeploy(ctx: CommandContext, project: Project): Promise<CommandResult> {
  if (ctx.inputs.dryRun) {
    const { runDryRun } = await import('./dry-run.js')
    return runDryRun(ctx, project)
  }
  const { config } = project
  const { inputs, log, clock } = ctx
  if (config.service === undefined) {
    throw new ActionError('the config names no service to deploy', {
      where: { file: config.path },
      hint: "add 'service: <name>' to the config"
    })
  }
  const cluster = config.cluster
  const serviceName = config.service
  const clients = ctx.awsClients(config.region)
  const ecs = annotateErrors(await clients.ecs())
  const started = clock.now()

  // Plan: read-only. Any error here means nothing was written.
  const live = await readOnly(() => describeLive(ecs, cluster, serviceName))
  checkAgainstLiveService(project, live.service)
  const strategy = pickStrategy(live.service, project.serviceDefinition)
  // A new CODE_DEPLOY service is created like any other (CreateService starts its first task set).
  if (strategy === 'codedeploy' && live.service !== undefined) {
    return deployBlueGreen(ctx, project, live, clients)
  }
  if (inputs.waitUntil === 'ready' || inputs.codedeployInProgress !== 'fail') {
    log.warning(
      'wait-until and codedeploy-in-progress apply to CodeDeploy blue/green services only; this rolling deploy ignores them'
    )
  }
  if (live.service === undefined && project.serviceDefinition === undefined) {
    throw new ActionError(
      `service ${serviceName} does not exist in cluster ${cluster}, and the config names no service_definition to create it`,
      {
        where: { file: config.path },
        hint: 'add service_definition to the config, or create the service first'
      }
    )
  }
  let desired: DesiredCountPlan | undefined
  if (live.service !== undefined) {
    const service = live.service
    const range = await readOnly(async () =>
      readScalableRange(annotateErrors(await clients.autoScaling()), cluster, serviceName, log)
    )
    desired = planDesiredCount(project.serviceDefinition, service, range)
  }

  const deployId = makeDeployId(ctx)
  const timeoutMs = inputs.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const pollMs = ctx.pollIntervalMs
  const previous = live.service?.taskDefinition

  // Apply and watch: from here on, failures are reported with what already happened.
  let resolved: ResolvedTaskDefinition | undefined
  let applied: Applied | undefined
  let watch: WatchResult | undefined
  let rollback: DeployReport['rollback']
  let status: Status = 'succeeded'
  let failure: string | undefined
  let awsError: AwsErrorInfo | undefined
  let running = previous
  try {
    resolved = await taskDefinitionToDeploy(ctx, project, ecs, live, deployId)

    const seenEvents = new Set((live.service?.events ?? []).map(e => e.id ?? ''))
    if (live.service === undefined) {
      applied = await createService({
        ecs,
        clock,
        log,
        cluster,
        service: serviceName,
        taskDefinitionArn: resolved.arn,
        definition: project.serviceDefinition as ServiceDefinition,
        clientToken: clientToken(deployId, cluster, serviceName)
      })
    } else {
      log.info(
        `updating service ${serviceName}: ${previous ?? '(none)'} → ${resolved.arn}${inputs.forceNewDeployment ? ' (force new deployment)' : ''}`
      )
      applied = await updateService({
        ecs,
        clock,
        log,
        cluster,
        service: serviceName,
        taskDefinitionArn: resolved.arn,
        live: live.service,
        definition: project.serviceDefinition,
        desiredCount: desired?.send,
        forceNewDeployment: inputs.forceNewDeployment,
        ignoreTags: config.ignore.tags
      })
    }
    running = resolved.arn
    for (const event of applied.service.events ?? []) seenEvents.add(event.id ?? '')

    if (inputs.wait) {
      watch = await log.group(`Waiting for deployment ${applied.deploymentId ?? ''}`, () =>
        watchDeployment({
          ecs,
          clock,
          log,
          cluster,
          service: serviceName,
          deploymentId: applied!.deploymentId,
          serviceDeploymentArn: applied!.serviceDeploymentArn,
          taskDefinitionArn: resolved!.arn,
          timeoutMs,
          pollMs,
          seenEvents
        })
      )
      if (watch.outcome !== 'succeeded') {
        failure = `deployment ${watch.outcome === 'timed-out' ? 'timed out' : 'failed'}: ${watch.reason}`
        status = watch.outcome === 'timed-out' ? 'timed-out' : 'failed'
        const wantsRollback = inputs.rollbackEvents.includes('DEPLOYMENT_FAILURE')
        if (watch.outcome === 'rolled-back-by-ecs') {
          status = 'rolled-back'
          running = previous
          const primary = watch.service?.deployments?.find(d => d.status === 'PRIMARY')
          let rollbackWatch: WatchResult | undefined
          if (wantsRollback && primary?.id !== undefined && primary.taskDefinition !== undefined) {
            rollbackWatch = await log.group('Waiting for the circuit breaker rollback', () =>
              watchDeployment({
                ecs,
                clock,
                log,
                cluster,
                service: serviceName,
                deploymentId: primary.id,
                serviceDeploymentArn: undefined,
                taskDefinitionArn: primary.taskDefinition!,
                timeoutMs,
                pollMs,
                seenEvents,
                ecsRollback: true
              })
            )
            if (rollbackWatch.outcome !== 'succeeded')
              failure += `; the rollback did not finish: ${rollbackWatch.reason}`
          }
          rollback = { by: 'ecs', watch: rollbackWatch }
        } else if (wantsRollback && previous !== undefined && previous !== resolved.arn) {
          const current = watch.service ?? applied.service
          const rolled = await rollbackService({
            ecs,
            clock,
            log,
            cluster,
            service: serviceName,
            previous,
            live: current
          })
          const rollbackWatch = await log.group('Waiting for the rollback', () =>
            watchDeployment({
              ecs,
              clock,
              log,
              cluster,
              service: serviceName,
              deploymentId: rolled.deploymentId,
              serviceDeploymentArn: rolled.serviceDeploymentArn,
              taskDefinitionArn: previous,
              timeoutMs,
              pollMs,
              seenEvents
            })
          )
          running = previous
          status = 'rolled-back'
          if (rollbackWatch.outcome !== 'succeeded') {
            failure += `; the rollback did not finish: ${rollbackWatch.reason}`
          }
          rollback = { by: 'action', watch: rollbackWatch }
        }
      }
    }
  } catch (error) {
    if (!isAwsError(error) && !(error instanceof ActionError)) throw error
    // Nothing written yet: a plain error, as for bad input.
    if (resolved === undefined || (!resolved.registered && applied === undefined)) {
      throw isAwsError(error) ? awsActionError(error) : error
    }
    status = 'failed'
    awsError = isAwsError(error) ? explainAwsError(error) : undefined
    failure = isAwsError(error) ? awsActionError(error).message : (error as ActionError).message
  }

  const report: DeployReport = {
    status,
    region: config.region,
    cluster,
    service: serviceName,
    serviceArn: applied?.service.serviceArn ?? live.service?.serviceArn,
    created: applied?.created ?? false,
    targetTaskDefinitionArn: resolved?.arn,
    previousTaskDefinitionArn: previous,
    runningTaskDefinitionArn: running,
    registered: resolved?.registered ?? false,
    imageChanges: imageChanges(live.taskDefinition, resolved?.taskDefinition),
    deploymentId: applied?.deploymentId,
    desiredCount: desired,
    tagChanges: applied?.tagChanges,
    waited: inputs.wait,
    watch,
    rollback,
    durationMs: clock.now() - started,
    failure,
    awsError
  }
  if (failure !== undefined) log.info(failure)
  if (awsError?.hint) log.info(`hint: ${awsError.hint}`)
  return { status, outputs: deployOutputs(report), summary: deploySummary(report), failure }
}

/** Runs a read; an AWS error becomes an ActionError naming the operation and the missing permission. */
/**
 * A CODE_DEPLOY service: the deployment group and the AppSpec are found and checked read-only first, so a
 * config problem stops the run before the task definition is registered; then CodeDeploy takes over.
 */
async function deployBlueGreen(
  ctx: CommandContext,
  project: Project,
  live: LiveState,
  clients: AwsClients
): Promise<CommandResult> {
  const { planCodeDeploy, deployWithCodeDeploy } = await import('../codedeploy/index.js')
  const planned = `arn:aws:ecs:${clients.region}:000000000000:task-definition/${project.taskDefinition?.family ?? 'planned'}:0`
  await readOnly(() => planCodeDeploy({ ctx, project, live, taskDefinitionArn: planned, clients }))
  const ecs = annotateErrors(await clients.ecs())
  const resolved = await taskDefinitionToDeploy(ctx, project, ecs, live, makeDeployId(ctx))
  return deployWithCodeDeploy({ ctx, project, live, taskDefinitionArn: resolved.arn, clients })
}

/** Registers the rendered task definition, or with skip-task-definition picks the current or latest one. */
async function taskDefinitionToDeploy(
  ctx: CommandContext,
  project: Project,
  ecs: ECSClient,
  live: LiveState,
  deployId: string
): Promise<ResolvedTaskDefinition> {
  const resolved = await resolveTaskDefinition({
    ecs,
    clock: ctx.clock,
    log: ctx.log,
    live,
    definition: project.taskDefinition,
    skip: ctx.inputs.skipTaskDefinition,
    latest: ctx.inputs.latestTaskDefinition,
    deployId,
    definitionPath: project.taskDefinitionPath
  })
  ctx.log.info(`${resolved.registered ? 'registered' : 'deploying'} task definition ${resolved.arn}`)
  return resolved
}

async function readOnly<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw isAwsError(error) ? awsActionError(error) : error
  }
}

/** Unique per run attempt: tags the registration and seeds the CreateService client token. */
function makeDeployId(ctx: CommandContext): string {
  const run = ctx.github.runId ?? 'local'
  const attempt = ctx.github.runAttempt ?? '1'
  return `${run}-${attempt}-${randomBytes(4).toString('hex')}`
}

function clientToken(deployId: string, cluster: string, service: string): string {
  return createHash('sha256').update(`${deployId}/${cluster}/${service}`).digest('hex').slice(0, 32)
}
