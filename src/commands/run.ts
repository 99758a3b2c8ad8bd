import { createHash } from 'node:crypto'
import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Task,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import {
  decideTaskOutcome,
  hasWrittenTasks,
  newTaskRecord,
  taskId,
  type TaskEnding,
  type TaskRecord
} from '../deploy/task-outcome.js'
import { formatDuration } from '../duration.js'
import { awsErrorName, describeLive, type LiveState } from '../ecs/live.js'
import { isThrottling } from '../ecs/once.js'
import {
  describeTasks,
  observeTask,
  runFindings,
  runSettings,
  runTask,
  stopTask,
  watchedContainer,
  type RunSettings
} from '../ecs/run-task.js'
import { sameTaskDefinition, type ResolvedTaskDefinition } from '../ecs/task-definition.js'
import { pollPlanner } from '../ecs/watch.js'
import { ActionError, ActionErrors } from '../errors.js'
import { LogTail, logSourceOf } from '../logs/tail.js'
import type { Project } from '../project.js'
import { annotateErrors, awsActionError, explainAwsError, isAwsError } from '../report/aws-errors.js'
import { runOutputs, runSummary, type RunReport } from '../report/run.js'
import type { CommandContext, CommandResult } from './types.js'
import { makeDeployId, projectTaskDefinition, readOnly, signalName } from './steps.js'

const DEFAULT_TIMEOUT_MS = 10 * 60_000
/** How long a call may take after a cancellation, so the report comes within 2 s of the signal. */
const CALL_AFTER_CANCEL_MS = 1000
/** A line at least this often while tasks run and log nothing. */
const HEARTBEAT_MS = 30_000
const MAX_READ_ERRORS = 5

const NO_LIVE: LiveState = {
  service: undefined,
  taskDefinition: undefined,
  taskDefinitionTags: [],
  serviceTags: []
}

/**
 * `command: run` (ecspresso `run`): one-off tasks of the rendered task definition (registered as deploy
 * registers it, or the live revision reused), with the service definition's network and capacity settings.
 * Everything is checked before the first write; the watched container's exit code decides the outcome.
 */
export async function runTasks(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const { config } = project
  const { inputs, log, clock } = ctx
  const cluster = config.cluster
  const clients = ctx.awsClients(config.region)
  const ecs = annotateErrors(await clients.ecs())
  const started = clock.now()
  const timeoutMs = inputs.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS

  // Plan: read-only. Any error here means nothing was written.
  const live =
    config.service === undefined ? NO_LIVE : await readOnly(() => describeLive(ecs, cluster, config.service!))
  const settings = runSettings(project.serviceDefinition, live.service)
  let resolved: ResolvedTaskDefinition | undefined
  let definition: TaskDefinition | RegisterTaskDefinitionCommandInput
  if (inputs.skipTaskDefinition) {
    resolved = await readOnly(() => projectTaskDefinition(ctx, project, ecs, live))
    definition = resolved.taskDefinition ?? (await readOnly(() => describeTaskDefinition(ecs, resolved!.arn)))
  } else if (project.taskDefinition !== undefined) {
    definition = project.taskDefinition
  } else {
    throw new ActionError('the config names no task_definition to run', {
      where: { file: config.path },
      hint: 'add task_definition to the config, or set skip-task-definition: true to run the service’s current revision'
    })
  }
  const findings = runFindings(definition, settings, inputs.overrides, inputs.watchContainer)
  if (findings.length > 0) {
    throw new ActionErrors(
      findings.map(
        f =>
          new ActionError(f.message, {
            where:
              f.input === undefined
                ? { file: project.serviceDefinitionPath ?? config.path }
                : { input: f.input },
            hint: f.hint
          })
      )
    )
  }
  const watch = watchedContainer(definition, inputs.watchContainer)
  const base = {
    region: config.region,
    cluster,
    watchContainer: watch,
    count: inputs.count,
    stoppedReasons: new Map<string, string>(),
    lastLines: new Map<string, readonly string[]>(),
    warnings: [] as string[]
  }

  if (inputs.dryRun) {
    const report: RunReport = {
      ...base,
      status: 'dry-run',
      taskDefinitionArn: resolved?.arn ?? `${definition.family ?? ''}:(to register)`,
      registered: false,
      taskArns: [],
      results: [],
      exitCode: undefined,
      failure: undefined,
      durationMs: clock.now() - started,
      logsNote: undefined,
      dryRun: true,
      overrides: inputs.overrides
    }
    log.info(
      `dry run: would run ${inputs.count} task(s) of ${resolved?.arn ?? `family ${definition.family ?? ''} (registered or reused)`} in cluster ${cluster}, watching container ${watch ?? '(none)'}`
    )
    return { status: 'dry-run', outputs: runOutputs(report), summary: runSummary(report) }
  }

  const step: RunStep = {
    ctx,
    ecs,
    cluster,
    settings,
    watch,
    timeoutMs,
    record: newTaskRecord(),
    tasks: [],
    tail: undefined,
    logsNote: undefined
  }
  let ending: TaskEnding
  try {
    ending = await startAndFollow(step, project, live, resolved)
  } catch (error) {
    // Nothing written: a plain error, as for bad input.
    if (!hasWrittenTasks(step.record)) throw isAwsError(error) ? awsActionError(error) : error
    ending = errorEnding(error)
  }
  await afterEnding(step, ending)

  const outcome = decideTaskOutcome({
    record: step.record,
    ending,
    tasks: step.tasks.map(t => observeTask(t, watch))
  })
  const stoppedReasons = new Map(
    step.tasks.filter(t => t.stoppedReason !== undefined).map(t => [t.taskArn ?? '', t.stoppedReason!])
  )
  const lastLines = new Map(step.record.started.map(arn => [arn, step.tail?.lastLines(arn) ?? []]))
  // The annotation a person sees first: with one failing task that logged, its last line says why.
  const failing = outcome.results.filter(r => !r.ok && r.exitCode !== undefined)
  const lastLine = failing.length === 1 ? lastLines.get(failing[0]!.arn)?.at(-1) : undefined
  const failure =
    outcome.failure !== undefined && outcome.status === 'failed' && lastLine !== undefined
      ? `${outcome.failure}; last log line: ${lastLine}`
      : outcome.failure
  const report: RunReport = {
    ...base,
    status: outcome.status,
    taskDefinitionArn: step.record.taskDefinition,
    registered: step.record.registered !== undefined,
    taskArns: step.record.started,
    results: outcome.results,
    stoppedReasons,
    exitCode: outcome.exitCode,
    failure,
    warnings: [...outcome.warnings],
    durationMs: clock.now() - started,
    lastLines,
    logsNote: step.logsNote
  }
  for (const warning of outcome.warnings) log.warning(warning)
  for (const r of outcome.results) log.info(`task ${r.id}: ${r.said}`)
  log.info(failure ?? `${outcome.status}: ${describeSuccess(step.record, outcome.exitCode, ending)}`)
  return {
    status: outcome.status,
    outputs: runOutputs(report),
    summary: runSummary(report),
    failure,
    // A migration that exits 3 fails the step with 3, as running the container by hand would.
    exitCode:
      failure !== undefined && outcome.exitCode !== undefined && outcome.exitCode > 0
        ? outcome.exitCode
        : undefined
  }
}

interface RunStep {
  readonly ctx: CommandContext
  readonly ecs: ECSClient
  readonly cluster: string
  readonly settings: RunSettings
  readonly watch: string | undefined
  readonly timeoutMs: number
  readonly record: TaskRecord
  /** The tasks as last described. */
  tasks: Task[]
  tail: LogTail | undefined
  logsNote: string | undefined
}

async function startAndFollow(
  step: RunStep,
  project: Project,
  live: LiveState,
  planned: ResolvedTaskDefinition | undefined
): Promise<TaskEnding> {
  const { ctx, ecs, record } = step
  const { inputs, log } = ctx
  if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }
  const deployId = makeDeployId(ctx)
  const resolved =
    planned ??
    (live.service === undefined ? await latestIfSame(ctx, project, ecs) : undefined) ??
    (await projectTaskDefinition(ctx, project, ecs, live, deployId))
  record.taskDefinition = resolved.arn
  if (resolved.registered) record.registered = resolved.arn
  log.info(`${resolved.registered ? 'registered' : 'running'} task definition ${resolved.arn}`)
  if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }

  const definition = resolved.taskDefinition ?? (await describeTaskDefinition(ecs, resolved.arn))
  const out = await runTask(ecs, {
    cluster: step.cluster,
    taskDefinitionArn: resolved.arn,
    settings: step.settings,
    overrides: inputs.overrides,
    count: inputs.count,
    clientToken: createHash('sha256')
      .update(`${deployId}/${step.cluster}/${resolved.arn}`)
      .digest('hex')
      .slice(0, 32),
    startedBy: `ecs-deploy-action/${ctx.github.runId ?? 'local'}`.slice(0, 36)
  })
  record.started = out.tasks.map(t => t.taskArn ?? '').filter(arn => arn !== '')
  record.runFailures = out.failures
  step.tasks = out.tasks
  for (const f of out.failures) log.warning(`RunTask could not place a task: ${f.reason}`)
  if (record.started.length === 0) return { kind: 'not-placed' }
  log.info(`started ${record.started.length} task(s): ${record.started.map(taskId).join(', ')}`)

  const container = definition.containerDefinitions?.find(c => c.name === step.watch)
  const tail = new LogTail({
    logs: async region => ctx.awsClients(region).logs(),
    emit: line => log.info(line),
    warn: message => log.warning(message),
    prefixed: record.started.length > 1
  })
  for (const arn of record.started) {
    if (container === undefined) break
    const source = logSourceOf(container, arn, project.config.region)
    if ('none' in source) {
      step.logsNote = source.none
      break
    }
    tail.add(source)
  }
  step.tail = tail
  if (step.logsNote !== undefined) log.info(step.logsNote)
  if (!inputs.wait) {
    log.info('not waiting for the tasks (wait: false)')
    return { kind: 'not-waited' }
  }
  const until = inputs.runWaitUntil
  return log.group(`Waiting for ${record.started.length} task(s) until ${until}`, () => follow(step, until))
}

async function follow(step: RunStep, until: 'stopped' | 'running'): Promise<TaskEnding> {
  const { ctx, ecs, record } = step
  const { clock, log } = ctx
  const start = clock.now()
  const deadline = start + step.timeoutMs
  const planner = pollPlanner(start, ctx.pollIntervalMs)
  const statuses = new Map<string, string>()
  let readErrors = 0
  let lastLine = start
  for (;;) {
    let changed = false
    try {
      step.tasks = await describeTasks(ecs, step.cluster, record.started, ctx.signal)
      readErrors = 0
    } catch (error) {
      if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }
      if (!isTransient(error) || ++readErrors > MAX_READ_ERRORS) throw error
    }
    for (const task of step.tasks) {
      const arn = task.taskArn ?? ''
      const status = task.lastStatus ?? 'UNKNOWN'
      if (statuses.get(arn) === status) continue
      statuses.set(arn, status)
      changed = true
      lastLine = clock.now()
      log.info(`task ${taskId(arn)}: ${status}${task.stoppedReason ? ` (${task.stoppedReason})` : ''}`)
    }
    const before = step.tail?.calls ?? 0
    await step.tail?.poll(ctx.signal)
    if ((step.tail?.calls ?? 0) > before) lastLine = Math.max(lastLine, clock.now())
    const reached =
      step.tasks.length === record.started.length &&
      step.tasks.every(t =>
        until === 'stopped'
          ? t.lastStatus === 'STOPPED'
          : t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED'
      )
    if (reached) return { kind: 'completed', until }
    if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }
    const now = clock.now()
    if (now >= deadline) return { kind: 'timed-out', after: formatDuration(step.timeoutMs) }
    if (now - lastLine >= HEARTBEAT_MS) {
      lastLine = now
      const counts = new Map<string, number>()
      for (const t of step.tasks) counts.set(t.lastStatus ?? '?', (counts.get(t.lastStatus ?? '?') ?? 0) + 1)
      log.info(
        `waiting for ${record.started.length} task(s): ${[...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')}; ${formatDuration(now - start)} elapsed, ${formatDuration(deadline - now)} left`
      )
    }
    await clock.sleep(Math.min(planner.next(now, changed), Math.max(1, deadline - now)), ctx.signal)
    if (ctx.signal?.aborted) return { kind: 'cancelled', signal: signalName(ctx) }
  }
}

/**
 * After a timeout or a cancellation, the tasks are stopped (StopTask), then read once more; after a
 * completion the last log lines are read. Errors here are recorded, never thrown.
 */
async function afterEnding(step: RunStep, ending: TaskEnding): Promise<void> {
  const { ctx, ecs, record } = step
  const cancelled = ending.kind === 'cancelled'
  const abortSignal = cancelled ? AbortSignal.timeout(CALL_AFTER_CANCEL_MS) : undefined
  if (ending.kind === 'timed-out' || cancelled) {
    const reason =
      ending.kind === 'timed-out'
        ? `ecs-deploy-action: timed out after ${ending.after}`
        : `ecs-deploy-action: the workflow step was cancelled (${ending.signal})`
    const running = record.started.filter(
      arn => step.tasks.find(t => t.taskArn === arn)?.lastStatus !== 'STOPPED'
    )
    await Promise.all(
      running.map(async arn => {
        try {
          await stopTask(ecs, step.cluster, arn, reason, abortSignal)
          record.stopped.push({ arn, reason })
        } catch (error) {
          const info = isAwsError(error) ? explainAwsError(error) : undefined
          record.partial.push({
            operation: 'StopTask',
            message: info ? `${info.code}: ${info.message}` : String(error),
            hint: info?.hint
          })
        }
      })
    )
    if (record.stopped.length > 0)
      ctx.log.info(`StopTask sent for ${record.stopped.map(s => taskId(s.arn)).join(', ')}`)
  }
  if (record.started.length === 0) return
  try {
    step.tasks = await describeTasks(ecs, step.cluster, record.started, abortSignal)
  } catch {
    // The outcome uses the tasks as last seen.
  }
  // The lines a container wrote just before it stopped.
  if (!cancelled && ending.kind !== 'not-waited') await step.tail?.poll()
}

/**
 * Without a service (a family used only for one-off tasks), the family's latest ACTIVE revision stands in for
 * the live one: when the rendered definition equals it, it is run again and nothing is registered.
 */
async function latestIfSame(
  ctx: CommandContext,
  project: Project,
  ecs: ECSClient
): Promise<ResolvedTaskDefinition | undefined> {
  const definition = project.taskDefinition
  if (definition?.family === undefined) return undefined
  let out
  try {
    out = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: definition.family, include: ['TAGS'] })
    )
  } catch (error) {
    if (awsErrorName(error) === 'ClientException') return undefined // no ACTIVE revision yet
    throw error
  }
  const latest = out.taskDefinition
  if (latest?.taskDefinitionArn === undefined) return undefined
  if (!sameTaskDefinition(definition, latest, out.tags ?? [], project.config.ignore.tags)) return undefined
  ctx.log.info(
    `task definition unchanged: the family's latest ${latest.taskDefinitionArn} is reused, nothing registered`
  )
  return { arn: latest.taskDefinitionArn, taskDefinition: latest, registered: false, reused: true }
}

async function describeTaskDefinition(ecs: ECSClient, arn: string): Promise<TaskDefinition> {
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))
  if (out.taskDefinition === undefined) throw new ActionError(`task definition ${arn} could not be described`)
  return out.taskDefinition
}

function describeSuccess(record: TaskRecord, exitCode: number | undefined, ending: TaskEnding): string {
  const n = record.started.length
  if (ending.kind === 'not-waited') return `${n} task(s) started; this step did not wait for them`
  if (ending.kind === 'completed' && ending.until === 'running') return `${n} task(s) running`
  return `${n} task(s) stopped${exitCode === undefined ? '' : `, exit code ${exitCode}`}`
}

function errorEnding(error: unknown): TaskEnding {
  if (isAwsError(error)) {
    const info = explainAwsError(error)
    return { kind: 'error', message: awsActionError(error).message, hint: info.hint }
  }
  const hint = error instanceof ActionError ? error.hint : undefined
  return { kind: 'error', message: error instanceof Error ? error.message : String(error), hint }
}

/** Throttling, 5xx or a network error: worth another poll. */
function isTransient(error: unknown): boolean {
  if (isThrottling(error)) return true
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return status === undefined || status >= 500
}
