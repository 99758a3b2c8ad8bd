import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import type { AwsClients } from '../aws/clients.js'
import { DEPLOY_ID_TAG, Input, Output } from '../contract.js'
import {
  decideOutcome,
  hasWritten,
  newRecord,
  primaryOwner,
  type Ending,
  type ObservedDeployment,
  type WriteRecord
} from '../deploy/outcome.js'
import { keepRevisionsAfter } from '../deploy/keep-revisions.js'
import { ineffectiveRollbackEvents } from '../deploy/rollback-events.js'
import { testCommandStrategyError } from '../deploy/test-command.js'
import { observe } from '../ecs/observed.js'
import { describeLive, type LiveState } from '../ecs/live.js'
import { rollbackService, type Applied } from '../ecs/rolling.js'
import type { DesiredCountPlan } from '../ecs/service-input.js'
import { pickStrategy } from '../ecs/strategy.js'
import type { ResolvedTaskDefinition } from '../ecs/task-definition.js'
import { watchDeployment, type WatchResult } from '../ecs/watch.js'
import { checkAgainstLiveService } from '../definitions/index.js'
import { applyServiceChange } from '../deploy/apply-service.js'
import { errorEnding, recordRollbackFailure } from '../deploy/step-errors.js'
import { ActionError } from '../errors.js'
import type { Project } from '../project.js'
import { annotateErrors, awsActionError, isAwsError, type AwsErrorInfo } from '../report/aws-errors.js'
import { deployOutputs, deploySummary, imageChanges, type DeployReport } from '../report/deploy.js'
import { mutableTagWarnings } from '../verify/image.js'
import type { CommandContext, CommandResult } from './types.js'
import { makeDeployId, projectTaskDefinition, planServiceCount, readOnly, signalName } from './steps.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000
/** How long a read may take after a cancellation, so the report comes within 2 s of the signal. */
const READ_AFTER_CANCEL_MS = 1000

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
  for (const warning of mutableTagWarnings(project.taskDefinition)) log.warning(warning)
  if (inputs.verify) await (await import('./verify.js')).verifyBeforeDeploy(ctx, project)
  const strategy = pickStrategy(live.service, project.serviceDefinition)
  const untestable = testCommandStrategyError(inputs.testCommand, live.service, project.serviceDefinition)
  if (untestable !== undefined) throw untestable
  if (strategy === 'native') {
    const { deployNative, pauseTestFor } = await import('../native/deploy.js')
    return keepRevisionsAfter(ctx, ecs, await deployNative(ctx, project, live, clients, pauseTestFor(ctx)))
  }
  if (inputs.waitUntil === 'paused') {
    throw new ActionError('wait-until: paused applies to ECS-native blue/green, linear and canary services', {
      where: { input: Input.WaitUntil },
      hint: `service ${serviceName} deploys ${strategy === 'codedeploy' ? 'with CodeDeploy (its pause is wait-until: ready)' : 'rolling'}; set deploymentConfiguration.strategy (BLUE_GREEN, LINEAR, CANARY) in the service definition, or remove wait-until`
    })
  }
  // A new CODE_DEPLOY service is created like any other (CreateService starts its first task set).
  if (strategy === 'codedeploy' && live.service !== undefined) {
    return keepRevisionsAfter(ctx, ecs, await deployBlueGreen(ctx, project, live, clients))
  }
  if (inputs.waitUntil === 'ready' || inputs.codedeployInProgress !== 'fail') {
    log.warning(
      'wait-until and codedeploy-in-progress apply to CodeDeploy blue/green services only; this rolling deploy ignores them'
    )
  }
  const desired = await planServiceCount(ctx, project, live, clients)

  for (const warning of ineffectiveRollbackEvents('rolling', inputs.rollbackEvents)) log.warning(warning)
  const step: RollingStep = {
    ctx,
    ecs,
    cluster,
    service: serviceName,
    timeoutMs: inputs.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    record: newRecord(
      live.service?.taskDefinition,
      (live.service?.deployments ?? []).map(d => d.id ?? '')
    ),
    last: live.service,
    seenEvents: new Set((live.service?.events ?? []).map(e => e.id ?? '')),
    resolved: undefined,
    applied: undefined,
    watch: undefined,
    rollback: undefined,
    awsError: undefined,
    cancelledBy: undefined
  }

  // Apply and watch. Before the first write an error is a plain error; after it, every ending (failure,
  // timeout, signal, denied read, superseding, AWS error) goes on to the requested rollback and the outcome.
  let ending: Ending
  try {
    ending = await applyAndWatch(step, project, live, desired)
  } catch (error) {
    // Nothing written: a plain error, as for bad input. After a write, even a bug ends in the outcome, so
    // the step still says what the service runs.
    if (!hasWritten(step.record)) throw isAwsError(error) ? awsActionError(error) : error
    ending = errorEnding(step, error)
  }
  await afterEnding(step, ending)
  const fresh = await readService(step)
  const current = fresh ?? step.last
  const input = { record: step.record, ending, live: observe(current), cancelledBy: step.cancelledBy }
  const outcome = decideOutcome(input)
  const superseder =
    outcome.supersededBy === undefined ? undefined : await describeSuperseder(step, outcome.supersededBy)
  const warnings = [...outcome.warnings]
  if (fresh === undefined && current !== undefined)
    warnings.push('the service could not be read again at the end; the state shown is the last one seen')

  const report: DeployReport = {
    status: outcome.status,
    region: config.region,
    cluster,
    service: serviceName,
    serviceArn: step.applied?.service.serviceArn ?? live.service?.serviceArn,
    created: step.applied?.created ?? false,
    targetTaskDefinitionArn: step.record.target,
    previousTaskDefinitionArn: step.record.previous,
    runningTaskDefinitionArn: outcome.running,
    registeredTaskDefinitionArn: step.record.registered,
    registered: step.resolved?.registered ?? false,
    imageChanges: imageChanges(live.taskDefinition, step.resolved?.taskDefinition),
    deploymentId: step.record.update?.deploymentId,
    desiredCount: desired,
    tagChanges: step.applied?.tagChanges,
    waited: inputs.wait,
    watch: step.watch,
    rollback: step.rollback,
    durationMs: clock.now() - started,
    definitionsUnchanged: step.resolved?.reused === true && step.applied?.skipped === true,
    hasChanges:
      step.applied === undefined
        ? undefined
        : step.applied.created ||
          step.resolved?.arn !== step.record.previous ||
          step.applied.serviceChanged === true,
    failure: outcome.failure,
    state: outcome.state,
    warnings,
    superseder,
    awsError: step.awsError
  }
  for (const warning of warnings) log.warning(warning)
  log.info(outcome.failure ?? `${outcome.status}: ${outcome.state}`)
  if (outcome.failure !== undefined) log.info(`now: ${outcome.state}`)
  if (step.awsError?.hint) log.info(`hint: ${step.awsError.hint}`)
  return keepRevisionsAfter(ctx, ecs, {
    status: outcome.status,
    outputs: deployOutputs(report),
    summary: deploySummary(report),
    failure: outcome.failure
  })
}

/** A rolling deploy in progress: what it has written (the record), what it last saw, what it reports. */
interface RollingStep {
  readonly ctx: CommandContext
  readonly ecs: ECSClient
  readonly cluster: string
  readonly service: string
  readonly timeoutMs: number
  readonly record: WriteRecord
  /** The service as last described (by a read or a write's reply). */
  last: Service | undefined
  readonly seenEvents: Set<string>
  resolved: ResolvedTaskDefinition | undefined
  applied: Applied | undefined
  watch: WatchResult | undefined
  rollback: DeployReport['rollback']
  awsError: AwsErrorInfo | undefined
  /** The signal that cancelled the step after its first ending (e.g. while following a rollback). */
  cancelledBy: string | undefined
}

/** Register, create or update, watch: the first ending. Writes are recorded as they are acknowledged. */
async function applyAndWatch(
  step: RollingStep,
  project: Project,
  live: LiveState,
  desired: DesiredCountPlan | undefined
): Promise<Ending> {
  const { ctx, ecs, cluster, service, record } = step
  const { inputs, log } = ctx
  if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }
  const deployId = makeDeployId(ctx)
  const resolved = await taskDefinitionToDeploy(ctx, project, ecs, live, deployId)
  step.resolved = resolved
  record.target = resolved.arn
  if (resolved.registered) record.registered = resolved.arn
  if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }

  const applied = await applyServiceChange({
    ctx,
    ecs,
    cluster,
    service,
    record,
    project,
    live,
    desired,
    taskDefinitionArn: resolved.arn,
    deployId
  })
  step.applied = applied
  step.last = applied.service
  // Nothing differed: no UpdateService went out, so there is no deployment of ours to follow.
  if (applied.skipped === true) return { kind: 'unchanged' }
  for (const event of applied.service.events ?? []) step.seenEvents.add(event.id ?? '')

  if (!inputs.wait) {
    log.info('not waiting for the deployment (wait: false)')
    return { kind: 'not-waited' }
  }
  const watch = await log.group(`Waiting for deployment ${applied.deploymentId ?? ''}`, () =>
    follow(step, applied.deploymentId, applied.serviceDeploymentArn, resolved.arn, false)
  )
  step.watch = watch
  switch (watch.outcome) {
    case 'succeeded':
      return { kind: 'completed' }
    case 'timed-out':
      return { kind: 'timed-out', reason: watch.reason }
    case 'superseded':
      return { kind: 'superseded' }
    case 'cancelled':
      return { kind: 'cancelled', signal: signalName(ctx) }
    case 'rolled-back-by-ecs':
      return {
        kind: 'ecs-rollback',
        reason: watch.reason,
        deploymentId: watch.service?.deployments?.find(d => d.status === 'PRIMARY')?.id
      }
    default:
      return { kind: 'failed', reason: watch.reason }
  }
}

/** Watches one deployment; the service it last saw becomes the step's view. */
async function follow(
  step: RollingStep,
  deploymentId: string | undefined,
  serviceDeploymentArn: string | undefined,
  taskDefinitionArn: string,
  ecsRollback: boolean
): Promise<WatchResult> {
  const { ctx } = step
  const watch = await watchDeployment({
    ecs: step.ecs,
    clock: ctx.clock,
    log: ctx.log,
    cluster: step.cluster,
    service: step.service,
    deploymentId,
    serviceDeploymentArn,
    taskDefinitionArn,
    timeoutMs: step.timeoutMs,
    pollMs: ctx.pollIntervalMs,
    seenEvents: step.seenEvents,
    ecsRollback,
    signal: ctx.signal
  })
  if (watch.service !== undefined) step.last = watch.service
  return watch
}

/**
 * The rest of the deploy after its first ending: follow ECS's rollback, or send the rollback
 * `rollback-events` asks for (DEPLOYMENT_FAILURE on failure, DEPLOYMENT_STOP_ON_REQUEST on cancellation),
 * never after another deployment took over. Errors here end in the outcome too.
 */
async function afterEnding(step: RollingStep, ending: Ending): Promise<void> {
  const { ctx, record } = step
  const events = ctx.inputs.rollbackEvents
  try {
    if (ending.kind === 'ecs-rollback') {
      const primary = step.last?.deployments?.find(d => d.id === ending.deploymentId)
      if (primary?.id === undefined || ctx.signal?.aborted) return
      const watch = await ctx.log.group('Waiting for the circuit breaker rollback', () =>
        follow(step, primary.id, undefined, primary.taskDefinition ?? '', true)
      )
      step.rollback = { by: 'ecs', watch }
      if (watch.outcome === 'cancelled') step.cancelledBy = signalName(ctx)
      return
    }
    const failed = ending.kind === 'failed' || ending.kind === 'timed-out' || ending.kind === 'error'
    const cancelled = ending.kind === 'cancelled'
    const wanted =
      (failed && events.includes('DEPLOYMENT_FAILURE')) ||
      (cancelled && events.includes('DEPLOYMENT_STOP_ON_REQUEST'))
    const previous = record.previous
    if (!wanted || record.update === undefined || previous === undefined || previous === record.target) return
    // No write once another deployment is PRIMARY: look again right before the rollback.
    const now = (await readService(step)) ?? step.last
    const owner = primaryOwner(record, ending, observe(now))
    if (owner !== 'ours' && owner !== 'unknown') {
      ctx.log.info(`not rolling back: the PRIMARY deployment is not this step's (${owner})`)
      return
    }
    const rolled = await rollbackService({
      ecs: step.ecs,
      clock: ctx.clock,
      log: ctx.log,
      cluster: step.cluster,
      service: step.service,
      previous,
      live: now ?? step.applied!.service
    })
    step.last = rolled.service
    record.rollback = {
      to: previous,
      deploymentId: rolled.deploymentId,
      trigger: cancelled ? 'cancel' : 'failure'
    }
    if (cancelled) {
      step.rollback = { by: 'action', watch: undefined }
      return
    }
    const watch = await ctx.log.group('Waiting for the rollback', () =>
      follow(step, rolled.deploymentId, rolled.serviceDeploymentArn, previous, false)
    )
    step.rollback = { by: 'action', watch }
    if (watch.outcome === 'cancelled') step.cancelledBy = signalName(ctx)
  } catch (error) {
    recordRollbackFailure(step, error)
  }
}

/** A fresh DescribeServices for the outcome; undefined when it cannot be read. */
async function readService(step: RollingStep): Promise<Service | undefined> {
  try {
    // Once cancelled, the runner kills the step soon: a slow read must not cost the report.
    const options = step.ctx.signal?.aborted ? { abortSignal: AbortSignal.timeout(READ_AFTER_CANCEL_MS) } : {}
    const out = await step.ecs.send(
      new DescribeServicesCommand({ cluster: step.cluster, services: [step.service] }),
      options
    )
    const service = out.services?.[0]
    if (service !== undefined) step.last = service
    return service
  } catch {
    return undefined
  }
}

/**
 * Who started the deployment that took over, as far as the APIs say: ECS records no caller, but a revision
 * registered by this action carries its run's deploy id (`<run id>-<attempt>-<random>`).
 */
async function describeSuperseder(
  step: RollingStep,
  by: ObservedDeployment
): Promise<NonNullable<DeployReport['superseder']>> {
  let startedBy: string | undefined
  try {
    const out = await step.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: by.taskDefinition, include: ['TAGS'] })
    )
    const id = out.tags?.find(t => t.key === DEPLOY_ID_TAG)?.value
    const match = id === undefined ? null : /^(.+)-(\d+)-[0-9a-f]+$/.exec(id)
    if (match) {
      const { serverUrl, repository } = step.ctx.github
      const url = repository === undefined ? '' : ` (${serverUrl}/${repository}/actions/runs/${match[1]})`
      startedBy = `ecs-deploy-action in workflow run ${match[1]}, attempt ${match[2]}${url}`
    }
  } catch {
    // Only for the summary: without DescribeTaskDefinition the deployment is still named.
  }
  return {
    deploymentId: by.id,
    taskDefinitionArn: by.taskDefinition,
    createdAt: by.createdAt,
    startedBy
  }
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
  const result = await deployWithCodeDeploy({ ctx, project, live, taskDefinitionArn: resolved.arn, clients })
  // CodeDeploy changes the task definition only: it changed unless the live revision was reused.
  const outputs = { [Output.HasChanges]: String(!resolved.reused), ...result.outputs }
  if (resolved.registered) outputs[Output.RegisteredTaskDefinitionArn] = resolved.arn
  return { ...result, outputs }
}

/** Registers the rendered task definition, or with skip-task-definition picks the current or latest one. */
async function taskDefinitionToDeploy(
  ctx: CommandContext,
  project: Project,
  ecs: ECSClient,
  live: LiveState,
  deployId: string
): Promise<ResolvedTaskDefinition> {
  const resolved = await projectTaskDefinition(ctx, project, ecs, live, deployId)
  ctx.log.info(`${resolved.registered ? 'registered' : 'deploying'} task definition ${resolved.arn}`)
  return resolved
}
