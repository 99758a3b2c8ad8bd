/**
 * The outcome of `command: run`, the sibling of outcome.ts for one-off tasks: a record of what the step has
 * written (a registered revision, the tasks RunTask started, the StopTask calls) and one function that turns
 * it, the ending and the tasks as last described into the status, the exit code and the headline. Pure.
 */
import type { Status } from '../contract.js'
import type { PartialFailure } from './outcome.js'

export interface TaskRecord {
  /** The revision this step registered; undefined when it reused one. */
  registered: string | undefined
  /** The revision the tasks run. */
  taskDefinition: string | undefined
  /** ARNs RunTask returned, in order. */
  started: string[]
  /** What RunTask could not place (`failures` of its reply). */
  runFailures: { readonly arn: string | undefined; readonly reason: string }[]
  /** Tasks this step asked to stop (timeout, cancellation), and why. */
  stopped: { readonly arn: string; readonly reason: string }[]
  readonly partial: PartialFailure[]
}

export function newTaskRecord(): TaskRecord {
  return {
    registered: undefined,
    taskDefinition: undefined,
    started: [],
    runFailures: [],
    stopped: [],
    partial: []
  }
}

export function hasWrittenTasks(record: TaskRecord): boolean {
  return record.registered !== undefined || record.started.length > 0
}

/** One task as last described, reduced to what the outcome needs. */
export interface ObservedTask {
  readonly arn: string
  readonly lastStatus: string | undefined
  readonly stopCode: string | undefined
  readonly stoppedReason: string | undefined
  readonly startedAt: Date | undefined
  readonly stoppedAt: Date | undefined
  /** The watched container. */
  readonly container:
    | {
        readonly name: string
        readonly exitCode: number | undefined
        readonly reason: string | undefined
        readonly lastStatus: string | undefined
      }
    | undefined
}

export type TaskEnding =
  /** Every task reached what `wait-until` waits for (STOPPED, or RUNNING). */
  | { readonly kind: 'completed'; readonly until: 'stopped' | 'running' }
  | { readonly kind: 'not-waited' }
  /** RunTask placed no task. */
  | { readonly kind: 'not-placed' }
  | { readonly kind: 'timed-out'; readonly after: string }
  | { readonly kind: 'cancelled'; readonly signal: string }
  | { readonly kind: 'error'; readonly message: string; readonly hint: string | undefined }

export interface TaskOutcomeInput {
  readonly record: TaskRecord
  readonly ending: TaskEnding
  /** The tasks as last described, by ARN; a task never described is missing. */
  readonly tasks: readonly ObservedTask[]
}

/** What became of one task. */
export interface TaskResult {
  readonly arn: string
  readonly id: string
  readonly ok: boolean
  /** Said to a person: `exit code 0`, `never started: CannotPullContainerError: …`. */
  readonly said: string
  readonly exitCode: number | undefined
}

export interface TaskOutcome {
  readonly status: Status
  readonly failure: string | undefined
  /** The watched container's exit code: the first non-zero one among the tasks, else 0; undefined if none. */
  readonly exitCode: number | undefined
  readonly results: readonly TaskResult[]
  readonly warnings: readonly string[]
}

export const taskId = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)

/** The result of one task that has stopped, or where it stands. */
export function taskResult(arn: string, task: ObservedTask | undefined, stoppedByUs: boolean): TaskResult {
  const id = taskId(arn)
  if (task === undefined) return { arn, id, ok: false, said: 'could not be described', exitCode: undefined }
  const exitCode = task.container?.exitCode
  const name = task.container?.name ?? 'the watched container'
  if (task.lastStatus !== 'STOPPED') {
    return {
      arn,
      id,
      ok: false,
      said: `${(task.lastStatus ?? 'unknown').toLowerCase()}${stoppedByUs ? ' (StopTask sent)' : ''}`,
      exitCode
    }
  }
  const reason = task.container?.reason ?? task.stoppedReason ?? 'no reason given'
  if (task.startedAt === undefined || task.stopCode === 'TaskFailedToStart') {
    return { arn, id, ok: false, said: `never started: ${reason}`, exitCode }
  }
  if (stoppedByUs) {
    return {
      arn,
      id,
      ok: false,
      said: `stopped by this step${exitCode === undefined ? '' : ` (${name} exit code ${exitCode})`}`,
      exitCode
    }
  }
  if (exitCode === undefined)
    return { arn, id, ok: false, said: `${name} has no exit code: ${reason}`, exitCode }
  if (exitCode !== 0) return { arn, id, ok: false, said: `${name} exited with code ${exitCode}`, exitCode }
  return { arn, id, ok: true, said: `${name} exited with code 0`, exitCode }
}

/** The one decision: status, exit code and headline from what was written and how the tasks ended. */
export function decideTaskOutcome(input: TaskOutcomeInput): TaskOutcome {
  const { record, ending, tasks } = input
  const byArn = new Map(tasks.map(t => [t.arn, t]))
  const stoppedByUs = new Set(record.stopped.map(s => s.arn))
  const results = record.started.map(arn => taskResult(arn, byArn.get(arn), stoppedByUs.has(arn)))
  const codes = results.map(r => r.exitCode).filter((c): c is number => c !== undefined)
  const exitCode = codes.find(c => c !== 0) ?? codes[0]
  const warnings = record.partial.map(
    p => `${p.operation} failed: ${p.message}${p.hint ? ` (${p.hint})` : ''}`
  )
  const n = record.started.length
  const tasksWord = `${n} task${n === 1 ? '' : 's'}`
  const base = { exitCode, results, warnings }
  const stillRunning = record.started.filter(arn => byArn.get(arn)?.lastStatus !== 'STOPPED')
  const stopSaid = (): string => {
    if (record.stopped.length === 0) return n === 0 ? 'no task was started' : `${tasksWord} left running`
    const unstopped = stillRunning.filter(arn => !stoppedByUs.has(arn))
    return `StopTask sent for ${record.stopped.length} of ${tasksWord}${unstopped.length > 0 ? `; ${unstopped.length} could not be stopped and may still run` : ''}`
  }

  switch (ending.kind) {
    case 'cancelled':
      return {
        ...base,
        status: 'cancelled',
        failure: `cancelled by ${ending.signal}: ${n === 0 ? 'no task was started' : stopSaid()}`
      }
    case 'timed-out':
      return {
        ...base,
        status: 'timed-out',
        failure: `timed out after ${ending.after} waiting for ${tasksWord}: ${stopSaid()}`
      }
    case 'error':
      return {
        ...base,
        status: 'failed',
        failure:
          n === 0
            ? ending.message
            : `${ending.message}; ${tasksWord} started and ECS runs them without this step`
      }
    case 'not-placed': {
      const reasons = [...new Set(record.runFailures.map(f => f.reason))].join(', ')
      return {
        ...base,
        status: 'failed',
        failure: `RunTask started no task: ${reasons || 'no reason given'}`
      }
    }
    case 'not-waited':
      return { ...base, status: 'started', failure: undefined }
    case 'completed': {
      if (ending.until === 'running') {
        const notRunning = results.filter(r => byArn.get(r.arn)?.lastStatus !== 'RUNNING')
        if (notRunning.length === 0) return { ...base, status: 'succeeded', failure: undefined }
        return { ...base, status: 'failed', failure: headline(notRunning.map(r => stoppedResult(r, byArn))) }
      }
      const bad = results.filter(r => !r.ok)
      if (bad.length === 0 && record.runFailures.length === 0)
        return { ...base, status: 'succeeded', failure: undefined }
      const placed =
        record.runFailures.length > 0
          ? [`${record.runFailures.length} task(s) not placed: ${record.runFailures[0]!.reason}`]
          : []
      return {
        ...base,
        status: 'failed',
        failure: headline([...bad.map(r => (n > 1 ? `task ${r.id}: ${r.said}` : r.said)), ...placed])
      }
    }
  }
}

function stoppedResult(r: TaskResult, byArn: ReadonlyMap<string, ObservedTask>): string {
  const task = byArn.get(r.arn)
  return task?.lastStatus === 'STOPPED'
    ? `task ${r.id} stopped before running: ${r.said}`
    : `task ${r.id} is ${r.said}`
}

function headline(problems: readonly string[]): string {
  const [first, ...rest] = problems
  return rest.length === 0 ? (first ?? 'failed') : `${first} (and ${rest.length} more)`
}
