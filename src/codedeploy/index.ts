/**
 * Blue/green deploys of services whose deployment controller is CODE_DEPLOY, as ecspresso's
 * DeployByCodeDeploy does them: find the deployment group, build the AppSpec, apply what UpdateService can
 * change on such a service, create the CodeDeploy deployment and follow it.
 */
import {
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type ECSClient
} from '@aws-sdk/client-ecs'
import type { AwsClients } from '../aws/clients.js'
import type { CommandContext, CommandResult } from '../commands/types.js'
import { readScalableRange } from '../ecs/autoscaling.js'
import { desiredCountWarning } from '../deploy/desired-count.js'
import { reasonWithCause } from '../ecs/diagnostics.js'
import type { LiveState } from '../ecs/live.js'
import { awsErrorName } from '../ecs/live.js'
import { desiredService } from '../ecs/desired-state.js'
import { planDesiredCount, planTagChanges, type TagChanges } from '../ecs/service-input.js'
import { ActionError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Project } from '../project.js'
import { annotateErrors } from '../report/aws-errors.js'
import {
  codedeployDiagnostics,
  codedeployOutputs,
  codedeploySummary,
  type CodeDeployReport
} from '../report/codedeploy.js'
import { buildAppSpec, loadAppSpecHooks, renderAppSpec, type AppSpecHook } from './appspec.js'
import {
  buildCreateDeploymentInput,
  deploymentConsoleUrl,
  deploymentDescription,
  sendCreateDeployment
} from './deployment.js'
import { findDeploymentGroup, type DeploymentGroupRef } from './group.js'
import {
  clearActiveDeployment,
  deploymentIdInMessage,
  findActiveDeployment,
  inProgressError,
  type ActiveDeployment
} from './in-progress.js'
import { planCodeDeployServiceUpdate } from './service-update.js'
import { deployWithTestCommand, readyWaitWarning, testCommandGroupError } from './test-traffic.js'
import { eventKey, watchCodeDeploy, type CodeDeployWatchResult } from './watch.js'

export type { DeploymentGroupRef } from './group.js'

export interface CodeDeployArgs {
  readonly ctx: CommandContext
  readonly project: Project
  /** `live.service` is the existing service (CODE_DEPLOY controller). */
  readonly live: LiveState
  /** Already registered (a placeholder is fine for planCodeDeploy in a dry run). */
  readonly taskDefinitionArn: string
  readonly clients: AwsClients
  /** The dry run's plan: a deployment in progress is reported, not refused. */
  readonly dryRun?: boolean | undefined
}

export interface CodeDeployPlan {
  readonly group: DeploymentGroupRef
  /** The AppSpec as sent in AppSpecContent (YAML). */
  readonly appSpec: string
  readonly hooks: readonly AppSpecHook[]
  /** A deployment that holds the group now (a deploy fails, waits or stops it per codedeploy-in-progress). */
  readonly inProgress: ActiveDeployment | undefined
  /** test-command and its timeout, when set: what the deploy will run once test traffic flows. */
  readonly test: { readonly command: string; readonly timeoutMs: number } | undefined
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000

/** The deployment group and the AppSpec a deploy would use. Read-only: the dry run's part. */
export async function planCodeDeploy(args: CodeDeployArgs): Promise<CodeDeployPlan> {
  const { project, live, ctx } = args
  const service = serviceName(project)
  const codedeploy = annotateErrors(await args.clients.codedeploy())
  const loaded = await loadAppSpecHooks(project.config.appspec, project.config.path)
  loaded.warnings.forEach(w => ctx.log.warning(w))
  // Built before the group is looked up: a missing load balancer is the user's to fix, whatever AWS holds.
  const spec = buildAppSpec({
    taskDefinitionArn: args.taskDefinitionArn,
    definition: project.serviceDefinition,
    live: live.service,
    hooks: loaded.hooks,
    serviceName: service,
    definitionFile: project.serviceDefinitionPath
  })
  const group = await findDeploymentGroup({
    codedeploy,
    cluster: project.config.cluster,
    service,
    config: project.config.codedeploy,
    configFile: shownConfig(project),
    debug: message => ctx.log.debug(message)
  })
  // Another deployment holding the group stops a deploy with codedeploy-in-progress: fail before its first
  // write (the task definition registration comes after this plan).
  if (ctx.inputs.testCommand !== undefined) {
    const problem = testCommandGroupError(group)
    if (problem !== undefined) throw problem
  }
  const inProgress = await findActiveDeployment(codedeploy, group)
  if (
    inProgress !== undefined &&
    !args.dryRun &&
    !ctx.inputs.dryRun &&
    ctx.inputs.codedeployInProgress === 'fail'
  ) {
    throw inProgressError(group, inProgress.id, args.clients.region, inProgress.status)
  }
  const { testCommand, testTimeoutMs } = ctx.inputs
  const test = testCommand === undefined ? undefined : { command: testCommand, timeoutMs: testTimeoutMs }
  return { group, appSpec: renderAppSpec(spec), hooks: loaded.hooks, inProgress, test }
}

/** `command: deploy` for a CODE_DEPLOY service. Returns the outputs and the job summary. */
export async function deployWithCodeDeploy(args: CodeDeployArgs): Promise<CommandResult> {
  const { ctx, project, live, taskDefinitionArn, clients } = args
  const { log, inputs } = ctx
  const current = live.service
  const service = serviceName(project)
  const cluster = project.config.cluster
  if (current === undefined) {
    throw new ActionError(
      `service ${service} does not exist on cluster ${cluster}; a blue/green deploy needs the service first`,
      {
        hint: 'create the service (with deploymentController CODE_DEPLOY) and its CodeDeploy deployment group, then deploy'
      }
    )
  }
  const timeoutMs = inputs.timeoutMs ?? project.config.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const region = clients.region
  const [codedeploy, ecs] = [annotateErrors(await clients.codedeploy()), annotateErrors(await clients.ecs())]

  log.info(`deploying ${service} on ${cluster} blue/green through CodeDeploy`)
  const plan = await planCodeDeploy(args)
  const { group, appSpec } = plan
  log.info(
    `CodeDeploy deployment group ${group.applicationName}/${group.deploymentGroupName}${group.source === 'discovered' ? ' (found by its ECS service)' : ''}, deployment config ${group.deploymentConfigName ?? '(group default)'}`
  )
  await log.group('AppSpec', () => Promise.resolve(log.info(appSpec)))
  const readyWait =
    inputs.testCommand === undefined ? undefined : readyWaitWarning(group, inputs.testTimeoutMs)
  if (readyWait !== undefined) log.warning(readyWait)
  if (inputs.waitUntil === 'ready' && group.readyAction !== 'STOP_DEPLOYMENT') {
    log.warning(
      `wait-until is ready, but deployment group ${group.deploymentGroupName} reroutes traffic as soon as the replacement is ready (no wait time); this step waits until the deployment ends`
    )
  }

  // Another deployment holding the group: fail before any write, wait for it, or stop it.
  const clearOptions = {
    codedeploy,
    group,
    region,
    mode: inputs.codedeployInProgress,
    clock: ctx.clock,
    log,
    timeoutMs,
    pollMs: ctx.pollIntervalMs
  }
  let cleared = await clearActiveDeployment(clearOptions)

  const serviceUpdated = await applyServiceChanges({ ctx, project, ecs, clients, service, cluster, live })

  const input = buildCreateDeploymentInput({
    group,
    appSpec,
    description: deploymentDescription(ctx.github, taskDefinitionArn),
    rollbackEvents: inputs.rollbackEvents
  })
  const create = () =>
    sendCreateDeployment({
      codedeploy,
      clock: ctx.clock,
      input,
      onRetry: (reason, attempt) => log.info(`${reason}; retrying (attempt ${attempt + 1})`)
    })
  let deploymentId: string
  try {
    deploymentId = await create()
  } catch (error) {
    // Someone started a deployment between our check and our create.
    if (awsErrorName(error) !== 'DeploymentLimitExceededException') throw error
    const known = deploymentIdInMessage((error as Error).message) ?? 'an active deployment'
    if (inputs.codedeployInProgress === 'fail') throw inProgressError(group, known, region)
    cleared =
      (await clearActiveDeployment({ ...clearOptions, known: known.startsWith('d-') ? known : undefined })) ??
      cleared
    deploymentId = await create()
  }
  const consoleUrl = deploymentConsoleUrl(region, deploymentId)
  log.info(`created CodeDeploy deployment ${deploymentId}: ${consoleUrl}`)

  const base = {
    cluster,
    service,
    serviceArn: current.serviceArn,
    region,
    group,
    deploymentId,
    consoleUrl,
    taskDefinitionArn,
    previousTaskDefinitionArn: current.taskDefinition,
    appSpec,
    serviceUpdated,
    cleared
  }
  if (!inputs.wait) {
    log.info('not waiting for the deployment (wait: false)')
    return finish({ ...base, status: 'started', watch: undefined, failure: undefined }, log)
  }

  const watchOptions = {
    codedeploy,
    ecs,
    clock: ctx.clock,
    log,
    cluster,
    service,
    deploymentId,
    timeoutMs,
    rollbackEvents: inputs.rollbackEvents,
    hooks: plan.hooks,
    pollMs: ctx.pollIntervalMs,
    seenEvents: new Set((current.events ?? []).map(eventKey)),
    signal: ctx.signal,
    taskDefinitionArn
  }
  if (inputs.testCommand !== undefined) {
    const tested = await deployWithTestCommand({
      ctx,
      codedeploy,
      watch: watchOptions,
      group,
      service: current,
      command: inputs.testCommand,
      testTimeoutMs: inputs.testTimeoutMs
    })
    const { watch, test } = tested
    return finish({ ...base, status: watch.outcome, watch, failure: failureOf(watch), test }, log)
  }
  const watch = await watchCodeDeploy({
    ...watchOptions,
    waitUntil: inputs.waitUntil === 'ready' ? 'ready' : 'succeeded'
  })
  return finish({ ...base, status: watch.outcome, watch, failure: failureOf(watch) }, log)
}

function failureOf(watch: CodeDeployWatchResult): string | undefined {
  if (watch.outcome === 'succeeded' || watch.outcome === 'ready') return undefined
  return `CodeDeploy deployment ${watch.deploymentId} ${watch.outcome}: ${reasonWithCause(watch.reason, watch.stoppedTasks, [])}`
}

function finish(report: CodeDeployReport, log: Logger): CommandResult {
  if (report.watch !== undefined && report.failure !== undefined) {
    for (const line of codedeployDiagnostics(report.watch)) log.info(line)
  }
  log.info(
    report.failure ??
      (report.status === 'ready'
        ? `deployment ${report.deploymentId ?? ''} is ready: the replacement takes test traffic; continue it to reroute production traffic`
        : `deployment ${report.deploymentId ?? ''} ${report.watch === undefined ? 'created' : 'succeeded'}`)
  )
  return {
    status: report.status,
    outputs: codedeployOutputs(report),
    summary: codedeploySummary(report),
    failure: report.failure
  }
}

interface ServiceChangeOptions {
  readonly ctx: CommandContext
  readonly project: Project
  readonly ecs: ECSClient
  readonly clients: AwsClients
  readonly service: string
  readonly cluster: string
  readonly live: LiveState
}

/**
 * Applies what the service definition changes that UpdateService can change on a CODE_DEPLOY service (and
 * the service's tags) before the deployment, as ecspresso does. Returns the fields updated.
 */
async function applyServiceChanges(options: ServiceChangeOptions): Promise<string[]> {
  const { ctx, project, ecs, service, cluster } = options
  const live = options.live.service!
  const definition = project.serviceDefinition
  const requested = ctx.inputs.desiredCount
  const scalable =
    (definition?.desiredCount === undefined || definition.desiredCount === null) && requested === undefined
      ? undefined
      : await readScalableRange(await options.clients.autoScaling(), cluster, service, ctx.log)
  const desired = planDesiredCount(definition, live, scalable, requested)
  const note = desiredCountWarning(desired, scalable)
  if (note !== undefined) ctx.log.warning(note)
  // The file is the desired state: what it omits is sent as ecspresso sends it (booleans off).
  const wanted = definition === undefined ? undefined : desiredService(definition, { codeDeploy: true })
  const plan = planCodeDeployServiceUpdate({
    cluster,
    service,
    definition: wanted,
    live,
    desiredCount: desired.send
  })
  if (plan.viaAppSpec.length > 0) {
    ctx.log.info(`applied by the CodeDeploy deployment (AppSpec): ${plan.viaAppSpec.join(', ')}`)
  }
  if (plan.notApplied.length > 0) {
    ctx.log.warning(
      `${project.serviceDefinitionPath ?? 'the service definition'}: ${plan.notApplied.join(', ')} differ from the live service, but a CODE_DEPLOY service cannot change them (recreate the service to apply them)`
    )
  }
  if (plan.input !== undefined) {
    ctx.log.info(
      `updating service ${service} first (CodeDeploy cannot apply these): ${plan.updated.join(', ')}`
    )
    await ecs.send(new UpdateServiceCommand(plan.input))
  } else {
    ctx.log.info('service attributes will not change')
  }
  const tags = planTagChanges(options.live.serviceTags, definition, project.config.ignore.tags)
  await syncTags(ecs, live.serviceArn, tags, ctx.log)
  return [...plan.updated]
}

async function syncTags(
  ecs: ECSClient,
  arn: string | undefined,
  changes: TagChanges,
  log: Logger
): Promise<void> {
  if (arn === undefined) return
  if (changes.set.length > 0) {
    log.info(`tagging service: ${changes.set.map(t => `${t.key}=${t.value}`).join(', ')}`)
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: changes.set }))
  }
  if (changes.remove.length > 0) {
    log.info(`untagging service: ${changes.remove.join(', ')}`)
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: changes.remove }))
  }
}

function serviceName(project: Project): string {
  const name = project.config.service
  if (name === undefined || name === '') {
    throw new ActionError('the config names no service', {
      where: { file: shownConfig(project) },
      hint: 'add service: <name> to the config'
    })
  }
  return name
}

function shownConfig(project: Project): string {
  const cwd = process.cwd()
  return project.config.path.startsWith(`${cwd}/`)
    ? project.config.path.slice(cwd.length + 1)
    : project.config.path
}
