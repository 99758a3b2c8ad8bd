/**
 * Several services in one step (`config` lists several files or a pattern): every config is loaded, rendered
 * and validated, and every service's read-only checks run, before the first write to any of them; then up to
 * `max-parallel` deploys run at once over the step's shared clients (one rate budget, DescribeServices
 * batched per cluster), each through the single-service deploy. `on-failure` decides what a failure does to
 * the others. One summary, one PR comment, one `results` output.
 */
import { relative, resolve } from 'node:path'
import { wallClock, RateBudget } from '../aws/rate-budget.js'
import type { AwsClients } from '../aws/clients.js'
import type { Clock } from '../clock.js'
import type { CommandContext, CommandResult } from '../commands/types.js'
import { Input, Output, type Status } from '../contract.js'
import { ActionError, ActionErrors, describeError } from '../errors.js'
import { loadProject, type Project } from '../project.js'
import {
  errorSummary,
  headline,
  isFailure,
  notStartedSummary,
  multiSummary,
  resultsJson,
  worstStatus,
  type ServiceResult
} from '../report/multi.js'
import { gatedClients, sharedClients } from './clients.js'
import { DeployGate, NotStarted } from './gate.js'
import { prefixedLogger } from './log.js'

/** Commands that take several configs. */
const SEVERAL = ['deploy'] as const

/**
 * Sleeps end on a shared grid, so the watches of many
 * services wake together and their DescribeServices calls meet in one batch.
 */
export function alignedClock(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) => {
      // The grid is the wait itself up to 2 s (a fixed poll interval: one phase for all), else 2 s (the
      // schedule's 2, 5.5 and 8 s polls all land on even seconds).
      const grid = ms < 100 ? 0 : Math.min(ms, 2000)
      if (grid === 0) return clock.sleep(ms, signal)
      // The grid point nearest the wanted wake-up, never sooner than half the wait: polls keep their pace.
      const now = clock.now()
      const wake = Math.max(Math.round((now + ms) / grid) * grid, Math.ceil((now + ms / 2) / grid) * grid)
      return clock.sleep(wake - now, signal)
    }
  }
}

export interface SeveralOptions {
  /** Called when the first write may happen (main's failure summary then no longer says "nothing written"). */
  readonly onWritesAllowed?: () => void
}

export async function runSeveral(
  ctx: CommandContext,
  paths: readonly string[],
  options: SeveralOptions = {}
): Promise<CommandResult> {
  const { inputs } = ctx
  checkInputs(ctx, paths)
  const names = paths.map(shown)
  const budget = new RateBudget(wallClock)
  const regions = new Map<string, ReturnType<typeof sharedClients>>()
  const regionClients = (region: string) => {
    let clients = regions.get(region)
    if (!clients) {
      clients = sharedClients(ctx.awsClients(region), budget)
      regions.set(region, clients)
    }
    return clients
  }
  const gate = new DeployGate(names, inputs.maxParallel)
  // A cancelled step starts nothing new: deploys waiting for their turn end as skipped.
  ctx.signal?.addEventListener('abort', () => gate.stop('not started: the step was cancelled'), {
    once: true
  })
  const clientsFor =
    (index: number) =>
    (region: string): AwsClients =>
      gatedClients(regionClients(region), () => gate.beforeWrite(index))
  const logs = names.map(name => prefixedLogger(ctx.log, name))

  // Load every config (render, validate) first; every error, each naming its file, at once.
  const loaded = await Promise.allSettled(
    paths.map((path, i) =>
      loadProject({
        configPath: path,
        env: ctx.env,
        images: inputs.images,
        awsClients: clientsFor(i),
        skipTaskDefinition: inputs.skipTaskDefinition,
        redact: inputs.redact,
        extStr: inputs.extStr,
        extCode: inputs.extCode,
        log: logs[i]!
      })
    )
  )
  const loadErrors = loaded.flatMap((r, i) =>
    r.status === 'rejected' ? namedErrors(names[i]!, r.reason) : []
  )
  if (loadErrors.length > 0) throw new ActionErrors(loadErrors)
  const projects = loaded.map(r => (r as PromiseFulfilledResult<Project>).value)
  checkDistinct(projects, names)

  const clock = alignedClock(ctx.clock)
  const { runDeploy } = await import('../commands/deploy.js')
  const results: ServiceResult[] = new Array<ServiceResult>(projects.length)
  const checkErrors: ActionError[] = []
  let allowed = false
  const failed = (name: string) => {
    if (inputs.onFailure !== 'continue')
      gate.stop(`not started: ${name} failed (on-failure: ${inputs.onFailure})`)
  }

  const serviceCtx = (i: number): CommandContext => ({
    ...ctx,
    // The step posts one comment for all services: none of its own per service.
    inputs: { ...inputs, config: paths[i]!, configs: [paths[i]!], prComment: 'false' },
    log: logs[i]!,
    clock,
    awsClients: clientsFor(i)
  })

  await Promise.all(
    projects.map(async (project, i) => {
      const started = clock.now()
      const base = identity(project, names[i]!)
      try {
        const result = await runDeploy(serviceCtx(i), project)
        const wrote = gate.started(i)
        if (wrote && !allowed) {
          allowed = true
          options.onWritesAllowed?.()
        }
        const checksFailed = result.failure !== undefined && !wrote && !gate.isOpen()
        // Stop first, then free the slot: with on-failure: stop, the next deploy must not take it.
        if (isFailure(result.status)) failed(names[i]!)
        gate.done(i, checksFailed)
        if (checksFailed) checkErrors.push(new ActionError(`${names[i]!}: ${result.failure}`))
        results[i] = fromResult(base, result, clock.now() - started)
      } catch (error) {
        if (error instanceof NotStarted) {
          gate.done(i, false)
          results[i] = {
            ...base,
            status: 'skipped',
            durationMs: 0,
            cause: error.message,
            summary: notStartedSummary(error.message)
          }
          return
        }
        if (!gate.started(i) && !gate.isOpen()) {
          gate.done(i, true)
          checkErrors.push(...namedErrors(names[i]!, error))
          return
        }
        failed(names[i]!)
        gate.done(i, false)
        const text = describeError(error)
        logs[i]!.warning(text)
        results[i] = {
          ...base,
          status: 'failed',
          durationMs: clock.now() - started,
          cause: text,
          summary: errorSummary(text)
        }
      }
    })
  )
  // One bad service: no service was written, and the step says which and why.
  if (checkErrors.length > 0) throw new ActionErrors(checkErrors)
  if (!allowed) options.onWritesAllowed?.()

  if (inputs.onFailure === 'rollback' && results.some(r => isFailure(r.status))) {
    await rollBackChanged(projects, results, i => ({ ...serviceCtx(i), awsClients: regionClients }))
  }

  const status = worstStatus(results.map(r => r.status))
  const bad = results.filter(r => isFailure(r.status) || r.status === 'skipped')
  const anyFailed = results.some(r => isFailure(r.status))
  const summary = multiSummary(results, inputs.onFailure)
  ctx.log.info(headline(results))
  for (const round of describeRounds(regions)) ctx.log.debug(round)
  const waits = Object.entries(budget.waits()).filter(([, n]) => n > 0)
  if (waits.length > 0)
    ctx.log.info(`rate budget: ${waits.map(([key, n]) => `${key} waited ${n}×`).join(', ')}`)

  if (inputs.dryRun) await commentOnPullRequest(ctx, results)
  const hasChanges = results.some(r => r.hasChanges === true)
  return {
    status,
    outputs: {
      [Output.Status]: status,
      [Output.Results]: resultsJson(results),
      [Output.HasChanges]: String(hasChanges)
    },
    summary,
    failure: anyFailed
      ? `${bad.length} of ${results.length} services did not succeed: ${bad
          .map(r => `${r.service} (${r.status}${r.rollback ? `; rollback ${r.rollback.status}` : ''})`)
          .join(', ')}`
      : undefined
  }
}

function checkInputs(ctx: CommandContext, paths: readonly string[]): void {
  const { inputs } = ctx
  if (!(SEVERAL as readonly string[]).includes(inputs.command)) {
    throw new ActionError(`command: ${inputs.command} takes one config, and config names ${paths.length}`, {
      where: { input: Input.Config },
      hint: `deploy and its dry run take several configs; run ${inputs.command} once per config (a matrix, or one step each)`
    })
  }
  const overrides = [Input.Cluster, Input.Service, Input.TaskDefinition].filter(
    name =>
      (name === Input.Cluster
        ? inputs.cluster
        : name === Input.Service
          ? inputs.service
          : inputs.taskDefinition) !== undefined
  )
  if (overrides.length > 0) {
    throw new ActionError(
      `${overrides.join(', ')} override${overrides.length === 1 ? 's' : ''} one config, and config names ${paths.length}`,
      {
        where: { input: overrides[0]! },
        hint: 'put the cluster, service and task definition in each config, or deploy one config per step'
      }
    )
  }
}

/** Two configs for one service would race each other's deploys. */
function checkDistinct(projects: readonly Project[], names: readonly string[]): void {
  const seen = new Map<string, string>()
  const errors: ActionError[] = []
  projects.forEach((project, i) => {
    const { region, cluster, service } = project.config
    if (service === undefined) {
      errors.push(
        new ActionError(`${names[i]!}: the config names no service to deploy`, {
          where: { file: project.config.path },
          hint: "add 'service: <name>' to the config"
        })
      )
      return
    }
    const key = `${region}/${cluster}/${service}`
    const other = seen.get(key)
    if (other !== undefined) {
      errors.push(
        new ActionError(`${names[i]!} and ${other} both deploy service ${service} on cluster ${cluster}`, {
          where: { input: Input.Config },
          hint: 'list each service once'
        })
      )
    }
    seen.set(key, names[i]!)
  })
  if (errors.length > 0) throw new ActionErrors(errors)
}

/** An error of one config, each message naming the config. */
function namedErrors(name: string, error: unknown): ActionError[] {
  if (error instanceof ActionErrors) return error.errors.flatMap(e => namedErrors(name, e))
  if (error instanceof ActionError) {
    return [
      new ActionError(`${name}: ${error.message}`, {
        ...(error.where === undefined ? {} : { where: error.where }),
        ...(error.hint === undefined ? {} : { hint: error.hint })
      })
    ]
  }
  return [new ActionError(`${name}: ${describeError(error)}`)]
}

type Identity = Pick<
  ServiceResult,
  | 'config'
  | 'cluster'
  | 'service'
  | 'taskDefinitionArn'
  | 'previousTaskDefinitionArn'
  | 'deploymentId'
  | 'hasChanges'
>

function identity(project: Project, name: string): Identity {
  return {
    config: name,
    cluster: project.config.cluster,
    service: project.config.service ?? '',
    taskDefinitionArn: undefined,
    previousTaskDefinitionArn: undefined,
    deploymentId: undefined,
    hasChanges: undefined
  }
}

function fromResult(base: Identity, result: CommandResult, durationMs: number): ServiceResult {
  const o = result.outputs
  return {
    ...base,
    status: result.status,
    taskDefinitionArn: o[Output.TaskDefinitionArn],
    // A dry run changes nothing: what runs is what ran.
    previousTaskDefinitionArn:
      o[Output.PreviousTaskDefinitionArn] ??
      (result.status === 'dry-run' ? o[Output.TaskDefinitionArn] : undefined),
    deploymentId: o[Output.DeploymentId] ?? o[Output.CodedeployDeploymentId],
    hasChanges: o[Output.HasChanges] === undefined ? undefined : o[Output.HasChanges] === 'true',
    durationMs,
    cause: result.failure,
    summary: result.summary,
    plan: result.plan
  }
}

/**
 * on-failure: rollback: once every deploy has ended, each service this step moved to a new revision goes
 * back to the one it ran before, through `command: rollback` (its checks, its watch, its outcome).
 */
async function rollBackChanged(
  projects: readonly Project[],
  results: ServiceResult[],
  contextFor: (i: number) => CommandContext
): Promise<void> {
  const { runRollback } = await import('../commands/rollback.js')
  await Promise.all(
    results.map(async (r, i) => {
      const changed =
        r.previousTaskDefinitionArn !== undefined &&
        r.taskDefinitionArn !== undefined &&
        r.previousTaskDefinitionArn !== r.taskDefinitionArn &&
        r.status !== 'rolled-back' &&
        r.status !== 'skipped'
      if (!changed) return
      const base = contextFor(i)
      const rctx: CommandContext = {
        ...base,
        inputs: {
          ...base.inputs,
          command: 'rollback',
          dryRun: false,
          taskDefinition: r.previousTaskDefinitionArn,
          // The revision this step registered stays: the next run may reuse it.
          deregister: false
        }
      }
      base.log.info(`on-failure: rollback: rolling back to ${r.previousTaskDefinitionArn}`)
      let status: Status
      let failure: string | undefined
      try {
        const done = await runRollback(rctx, projects[i]!)
        status = done.status
        failure = done.failure
      } catch (error) {
        status = 'failed'
        failure = describeError(error)
      }
      results[i] = {
        ...r,
        status: status === 'failed' || status === 'timed-out' ? r.status : 'rolled-back',
        taskDefinitionArn:
          status === 'failed' || status === 'timed-out' ? r.taskDefinitionArn : r.previousTaskDefinitionArn,
        rollback: { status, failure, from: r.taskDefinitionArn }
      }
    })
  )
}

function describeRounds(regions: Map<string, ReturnType<typeof sharedClients>>): string[] {
  const lines: string[] = []
  for (const [region, clients] of regions) {
    const rounds = clients.batcher()?.rounds ?? []
    if (rounds.length === 0) continue
    const calls = rounds.reduce((n, r) => n + r.calls, 0)
    const asked = rounds.reduce((n, r) => n + r.requests, 0)
    lines.push(`${region}: DescribeServices ${asked} requests in ${calls} calls (${rounds.length} rounds)`)
  }
  return lines
}

async function commentOnPullRequest(ctx: CommandContext, results: readonly ServiceResult[]): Promise<void> {
  const { commentLinks, commentMeta, postPlanComment, commentConfig } =
    await import('../github/plan-comment.js')
  const { multiCommentBody } = await import('../report/multi.js')
  const meta = commentMeta(ctx, { cluster: '', service: '', config: commentConfig(ctx.inputs) })
  await postPlanComment(ctx, meta, m => multiCommentBody(results, m, commentLinks(ctx)))
}

function shown(path: string): string {
  return relative(process.cwd(), resolve(path)) || path
}
