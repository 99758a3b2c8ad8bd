/**
 * `command: rollback`, as ecspresso's rollback: the service back to the previous revision (the newest ACTIVE
 * one older than the one it runs) or to the `task-definition` input. A rolling deployment in progress is
 * stopped with StopServiceDeployment ROLLBACK (ECS returns to the last completed revision); a CodeDeploy
 * deployment in progress is stopped with auto-rollback; otherwise the previous revision is deployed (one
 * UpdateService, or a blue/green deployment). Everything is read and checked before the first write; the
 * outcome is the deploy's (decideOutcome); `deregister` then deregisters the revision rolled back from.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import type { AwsClients } from '../aws/clients.js'
import { Input, Output } from '../contract.js'
import { decideOutcome, newRecord, type Ending, type WriteRecord } from '../deploy/outcome.js'
import { describeLive } from '../ecs/live.js'
import { observe } from '../ecs/observed.js'
import { deregisterRevision, listActiveRevisions, previousRevision } from '../ecs/revisions.js'
import { rollbackService } from '../ecs/rolling.js'
import { pickStrategy } from '../ecs/strategy.js'
import { familyOf, shortTaskDefinition } from '../ecs/task-definition.js'
import { watchDeployment, type WatchResult } from '../ecs/watch.js'
import { ActionError } from '../errors.js'
import type { Project } from '../project.js'
import { annotateErrors, awsActionError, explainAwsError, isAwsError } from '../report/aws-errors.js'
import { consoleUrl } from '../report/deploy.js'
import { rollbackSummary, type RollbackReport } from '../report/revisions.js'
import type { CommandContext, CommandResult } from './types.js'
import { readOnly, signalName } from './steps.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

/** What `task-definition` names for a rollback. */
export type RollbackTarget =
  | { readonly kind: 'revision'; readonly revision: number }
  | { readonly kind: 'reference'; readonly reference: string }

/**
 * `task-definition` for `rollback`: a revision number of the service's family (`12`), `family:revision` or
 * a task definition ARN. A file path (what a deploy reads from it) is an input error here.
 */
export function parseRollbackTarget(text: string | undefined): RollbackTarget | undefined {
  if (text === undefined) return undefined
  const value = text.trim()
  if (/^\d+$/.test(value) && Number(value) > 0) return { kind: 'revision', revision: Number(value) }
  if (/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/.test(value))
    return { kind: 'reference', reference: value }
  if (/^[A-Za-z0-9_-]{1,255}:\d+$/.test(value)) return { kind: 'reference', reference: value }
  throw new ActionError(`'${value}' is not a task definition revision`, {
    where: { input: Input.TaskDefinition },
    hint: 'for command: rollback, give a revision number (12), family:revision (web:12) or a task definition ARN; leave it empty to roll back to the previous revision'
  })
}

/** Reads the service, the revision to go back to and how; the first write comes after all of it. */
export async function runRollback(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const { config } = project
  const { inputs, clock } = ctx
  const wanted = parseRollbackTarget(inputs.taskDefinition)
  if (config.service === undefined) {
    throw new ActionError('the config names no service to roll back', {
      where: { file: config.path },
      hint: "add 'service: <name>' to the config"
    })
  }
  if (inputs.deregister && !inputs.wait && !inputs.dryRun) {
    throw new ActionError('deregister needs the rollback to be waited for', {
      where: { input: Input.Deregister },
      hint: 'with wait: false, set deregister: false (as ecspresso: --no-deregister-task-definition with --no-wait)'
    })
  }
  const cluster = config.cluster
  const service = config.service
  const clients = ctx.awsClients(config.region)
  const ecs = annotateErrors(await clients.ecs())
  const started = clock.now()

  const live = await readOnly(() => describeLive(ecs, cluster, service))
  if (live.service === undefined) {
    throw new ActionError(
      `service ${service} does not exist in cluster ${cluster}: there is nothing to roll back`,
      {
        where: { file: config.path },
        hint: 'check cluster and service in the config, and the region'
      }
    )
  }
  const current = live.service.taskDefinition
  if (current === undefined) throw new ActionError(`service ${service} runs no task definition`)
  const strategy = pickStrategy(live.service, undefined)
  const findTarget = () => readOnly(() => rollbackTarget(ecs, current, wanted))
  const base = { ctx, project, ecs, clients, cluster, service, live: live.service, current, started }
  if (strategy === 'codedeploy') {
    const { rollbackBlueGreen } = await import('./rollback-codedeploy.js')
    // Stopping a CodeDeploy deployment in progress needs no target: CodeDeploy returns to the original.
    return rollbackBlueGreen(base, findTarget)
  }
  if (strategy === 'native') {
    const { rollbackNative, rollbackSteadyNative } = await import('../native/rollback.js')
    const done = await rollbackNative(base, wanted !== undefined)
    return done ?? rollbackSteadyNative({ ...base, target: await findTarget() })
  }
  return rollbackRolling({ ...base, target: await findTarget() }, wanted !== undefined)
}

export interface Plan {
  readonly ctx: CommandContext
  readonly project: Project
  readonly ecs: ECSClient
  readonly clients: AwsClients
  readonly cluster: string
  readonly service: string
  readonly live: Service
  /** The revision the service runs now: what a rollback goes away from. */
  readonly current: string
  /** The revision to roll back to (ECS picks its own when it stops a deployment in progress). */
  readonly target: string
  readonly started: number
}

/** The ARN to roll back to: the one asked for (checked ACTIVE), else the previous ACTIVE revision. */
async function rollbackTarget(
  ecs: ECSClient,
  current: string,
  wanted: RollbackTarget | undefined
): Promise<string> {
  if (wanted !== undefined) {
    const reference =
      wanted.kind === 'revision' ? `${familyOf(current)}:${wanted.revision}` : wanted.reference
    let described
    try {
      described = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference })))
        .taskDefinition
    } catch (error) {
      if (isAwsError(error) && explainAwsError(error).code === 'ClientException') {
        throw new ActionError(`task definition ${reference} does not exist`, {
          where: { input: Input.TaskDefinition },
          hint: `list the revisions with: aws ecs list-task-definitions --family-prefix ${familyOf(current)} --sort DESC`
        })
      }
      throw error
    }
    const arn = described?.taskDefinitionArn ?? reference
    if (described?.status === 'INACTIVE') {
      throw new ActionError(`task definition ${shortTaskDefinition(arn)} is INACTIVE (deregistered)`, {
        where: { input: Input.TaskDefinition },
        hint: 'ECS cannot update a service to a deregistered revision; pick an ACTIVE one'
      })
    }
    if (arn === current) {
      throw new ActionError(
        `the service already runs ${shortTaskDefinition(arn)}: there is nothing to roll back`,
        {
          where: { input: Input.TaskDefinition },
          hint: 'name an older revision, or leave task-definition empty to roll back to the previous one'
        }
      )
    }
    return arn
  }
  const active = await listActiveRevisions(ecs, familyOf(current))
  const previous = previousRevision(active, current)
  if (previous === undefined) {
    throw new ActionError(
      `no ACTIVE revision of ${familyOf(current)} is older than ${shortTaskDefinition(current)}: there is nothing to roll back to`,
      { hint: 'name a revision with the task-definition input (a revision number or ARN)' }
    )
  }
  return previous
}

/** The service deployment in progress (newest first), when ECS keeps service deployments for the service. */
async function deploymentInProgress(plan: Plan): Promise<string | undefined> {
  try {
    const out = await plan.ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: plan.cluster,
        service: plan.service,
        status: ['IN_PROGRESS']
      })
    )
    return out.serviceDeployments?.[0]?.serviceDeploymentArn
  } catch (error) {
    // Without service deployments (not supported, or not allowed) the UpdateService below rolls back.
    plan.ctx.log.info(
      `service deployments cannot be listed (${isAwsError(error) ? explainAwsError(error).code : String(error)}); rolling back with UpdateService`
    )
    return undefined
  }
}

interface Rolling {
  deploymentId: string | undefined
  watch: WatchResult | undefined
  last: Service | undefined
}

async function rollbackRolling(plan: Plan, targetGiven: boolean): Promise<CommandResult> {
  const { ctx, ecs, cluster, service, live, current } = plan
  const { inputs, log } = ctx
  const primary = live.deployments?.find(d => d.status === 'PRIMARY')
  const inProgress = primary?.rolloutState === 'IN_PROGRESS'
  // Stop the deployment in progress only when going back to the previous revision: a named one is deployed.
  const stopArn = !targetGiven && inProgress ? await deploymentInProgress(plan) : undefined
  let method =
    stopArn !== undefined
      ? `StopServiceDeployment (ROLLBACK) of the deployment in progress ${stopArn.slice(stopArn.lastIndexOf('/') + 1)}: ECS returns to the last completed revision`
      : `UpdateService to ${shortTaskDefinition(plan.target)}${inProgress ? ' (replacing the deployment in progress)' : ''}`
  log.info(`rolling back ${service} on ${cluster} from ${shortTaskDefinition(current)}: ${method}`)

  if (inputs.dryRun) {
    return finish(plan, {
      status: 'dry-run',
      method,
      to: plan.target,
      running: current,
      deploymentId: undefined,
      state: `a rollback would go from ${shortTaskDefinition(current)} to ${shortTaskDefinition(plan.target)}; nothing was changed`,
      failure: undefined,
      warnings: []
    })
  }

  const record = newRecord(
    current,
    (live.deployments ?? []).map(d => d.id ?? '')
  )
  const step: Rolling = { deploymentId: undefined, watch: undefined, last: live }
  const timeoutMs = inputs.timeoutMs ?? plan.project.config.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const seenEvents = new Set((live.events ?? []).map(e => e.id ?? ''))
  let ending: Ending
  let to = plan.target
  try {
    let follow: { serviceDeploymentArn: string | undefined; ecsRollback: boolean }
    const stopped = stopArn !== undefined && (await stopWithRollback(plan, stopArn))
    if (!stopped && stopArn !== undefined) {
      method = `UpdateService to ${shortTaskDefinition(plan.target)} (ECS could not stop the deployment in progress with a rollback)`
    }
    if (stopped) {
      // ECS starts the rollback deployment: it is the PRIMARY once the stop is taken.
      const now = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] })))
        .services?.[0]
      const rollbackPrimary = now?.deployments?.find(d => d.status === 'PRIMARY')
      to = rollbackPrimary?.taskDefinition ?? to
      step.last = now ?? step.last
      step.deploymentId = rollbackPrimary?.id
      follow = { serviceDeploymentArn: stopArn, ecsRollback: true }
    } else {
      const rolled = await rollbackService({
        ecs,
        clock: ctx.clock,
        log,
        cluster,
        service,
        previous: to,
        live
      })
      step.last = rolled.service
      step.deploymentId = rolled.deploymentId
      follow = { serviceDeploymentArn: rolled.serviceDeploymentArn, ecsRollback: false }
    }
    record.rollback = { to, deploymentId: step.deploymentId, trigger: 'request' }
    record.target = to
    if (!inputs.wait) {
      ending = { kind: 'not-waited' }
    } else {
      const watch = await log.group(`Waiting for the rollback to ${shortTaskDefinition(to)}`, () =>
        watchDeployment({
          ecs,
          clock: ctx.clock,
          log,
          cluster,
          service,
          deploymentId: step.deploymentId,
          serviceDeploymentArn: follow.serviceDeploymentArn,
          taskDefinitionArn: to,
          timeoutMs,
          pollMs: ctx.pollIntervalMs,
          seenEvents,
          ecsRollback: follow.ecsRollback,
          signal: ctx.signal
        })
      )
      step.watch = watch
      if (watch.service !== undefined) step.last = watch.service
      ending = endingOf(watch, ctx)
    }
  } catch (error) {
    if (record.rollback === undefined) throw isAwsError(error) ? awsActionError(error) : error
    const info = isAwsError(error) ? explainAwsError(error) : undefined
    ending = {
      kind: 'error',
      message: info ? awsActionError(error).message : error instanceof Error ? error.message : String(error),
      hint: info?.hint,
      deniedAction: undefined
    }
  }
  const fresh = await readService(ecs, cluster, service)
  const outcome = decideOutcome({ record, ending, live: observe(fresh ?? step.last) })
  return finish(plan, {
    status: outcome.status,
    method,
    to,
    running: outcome.running,
    deploymentId: step.deploymentId,
    state: outcome.state,
    failure: outcome.failure,
    warnings: outcome.warnings,
    record
  })
}

/**
 * StopServiceDeployment ROLLBACK; false when ECS refuses it because there is nothing to return to (no
 * completed revision, or the deployment ended meanwhile): nothing was written, and UpdateService rolls back.
 */
async function stopWithRollback(plan: Plan, serviceDeploymentArn: string): Promise<boolean> {
  try {
    await plan.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' }))
    return true
  } catch (error) {
    if (!isAwsError(error) || explainAwsError(error).code !== 'ConflictException') throw error
    plan.ctx.log.info(
      `StopServiceDeployment refused (${explainAwsError(error).message}); rolling back with UpdateService`
    )
    return false
  }
}

function endingOf(watch: WatchResult, ctx: CommandContext): Ending {
  switch (watch.outcome) {
    case 'succeeded':
      return { kind: 'completed' }
    case 'timed-out':
      return { kind: 'timed-out', reason: watch.reason }
    case 'superseded':
      return { kind: 'superseded' }
    case 'cancelled':
      return { kind: 'cancelled', signal: signalName(ctx) }
    default:
      return { kind: 'failed', reason: watch.reason }
  }
}

async function readService(ecs: ECSClient, cluster: string, service: string): Promise<Service | undefined> {
  try {
    return (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]
  } catch {
    return undefined
  }
}

export interface Finished {
  readonly status: RollbackReport['status']
  readonly method: string
  readonly to: string
  readonly running: string | undefined
  readonly deploymentId: string | undefined
  readonly state: string
  readonly failure: string | undefined
  readonly warnings: readonly string[]
  readonly record?: WriteRecord
  readonly extraOutputs?: Partial<Record<string, string>>
  readonly extraSummary?: string
}

/**
 * The end of every rollback: deregister the revision rolled back from when it completed (a failure to do so
 * is a warning), then outputs and summary.
 */
export async function finish(plan: Plan, done: Finished): Promise<CommandResult> {
  const { ctx, current } = plan
  const warnings = [...done.warnings]
  let deregistered: RollbackReport['deregistered']
  const from = current
  if (
    ctx.inputs.deregister &&
    from !== done.to &&
    (done.status === 'rolled-back' || done.status === 'dry-run')
  ) {
    if (done.status === 'dry-run') {
      ctx.log.info(`would deregister ${from} after the rollback`)
      deregistered = { arn: from, done: false }
    } else {
      try {
        await deregisterRevision(plan.ecs, from)
        ctx.log.info(`deregistered ${from}, the revision rolled back from`)
        deregistered = { arn: from, done: true }
      } catch (error) {
        const message = isAwsError(error) ? awsActionError(error).message : String(error)
        warnings.push(
          `the rollback completed, but ${shortTaskDefinition(from)} could not be deregistered: ${message}`
        )
        deregistered = { arn: from, done: false, error: message }
      }
    }
  }
  const report: RollbackReport = {
    status: done.status,
    cluster: plan.cluster,
    service: plan.service,
    method: done.method,
    from,
    to: done.to,
    running: done.running,
    deploymentId: done.deploymentId,
    state: done.state,
    failure: done.failure,
    deregistered,
    dryRun: done.status === 'dry-run',
    durationMs: ctx.clock.now() - plan.started,
    warnings
  }
  for (const warning of warnings) ctx.log.warning(warning)
  ctx.log.info(done.failure ?? `${done.status}: ${done.state}`)
  const outputs: Record<string, string> = {
    [Output.Status]: done.status,
    [Output.PreviousTaskDefinitionArn]: from,
    [Output.ConsoleUrl]: consoleUrl(plan.clients.region, plan.cluster, plan.service),
    [Output.HasChanges]: String(done.status !== 'dry-run' || from !== done.to)
  }
  const running = done.status === 'dry-run' ? from : done.running
  if (running !== undefined) outputs[Output.TaskDefinitionArn] = running
  if (plan.live.serviceArn !== undefined) outputs[Output.ServiceArn] = plan.live.serviceArn
  if (done.deploymentId !== undefined) outputs[Output.DeploymentId] = done.deploymentId
  for (const [name, value] of Object.entries(done.extraOutputs ?? {}))
    if (value !== undefined) outputs[name] = value
  const summary = rollbackSummary(report)
  return {
    status: done.status,
    outputs,
    summary: done.extraSummary === undefined ? summary : `${summary}\n${done.extraSummary}`,
    failure: done.failure
  }
}
