import {
  DescribeTasksCommand,
  ListTasksCommand,
  type ECSClient,
  type ServiceEvent,
  type Task
} from '@aws-sdk/client-ecs'

export interface StoppedContainer {
  readonly name: string
  readonly exitCode: number | undefined
  readonly reason: string | undefined
  readonly lastStatus: string | undefined
}

/** A task that stopped, with what ECS says about why. */
export interface StoppedTask {
  readonly taskArn: string
  readonly taskDefinitionArn: string | undefined
  readonly stoppedAt: Date | undefined
  readonly stopCode: string | undefined
  readonly stoppedReason: string | undefined
  readonly containers: readonly StoppedContainer[]
}

/**
 * The service's most recently stopped tasks of one task definition (ECS keeps stopped tasks about an hour).
 * Costs one ListTasks and one DescribeTasks.
 */
export async function stoppedTasksOf(
  ecs: ECSClient,
  cluster: string,
  service: string,
  taskDefinitionArn: string,
  // DescribeTasks takes 100 at once: enough to count how many stopped for the same reason.
  limit = 100
): Promise<StoppedTask[]> {
  const listed = await ecs.send(
    new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: 100 })
  )
  const arns = listed.taskArns ?? []
  if (arns.length === 0) return []
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }))
  return (described.tasks ?? [])
    .filter(t => t.taskDefinitionArn === taskDefinitionArn)
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    .slice(0, limit)
    .map(toStoppedTask)
}

function toStoppedTask(task: Task): StoppedTask {
  return {
    taskArn: task.taskArn ?? '',
    taskDefinitionArn: task.taskDefinitionArn,
    stoppedAt: task.stoppedAt,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    containers: (task.containers ?? []).map(c => ({
      name: c.name ?? '',
      exitCode: c.exitCode,
      reason: c.reason,
      lastStatus: c.lastStatus
    }))
  }
}

/** The newest `count` events, newest first. */
export function newestEvents(events: readonly ServiceEvent[] | undefined, count = 10): ServiceEvent[] {
  return [...(events ?? [])]
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    .slice(0, count)
}

/** One line for a stopped task, as printed in the log. */
export function describeStoppedTask(task: StoppedTask): string {
  const id = task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1)
  return `task ${id} stopped: ${stoppedReasonOf(task)}`
}

/** Why a task stopped, without its id: ECS's stopped reason, then what its containers say. */
export function stoppedReasonOf(task: StoppedTask): string {
  const containers = task.containers
    .filter(c => c.exitCode !== undefined || (c.reason !== undefined && c.reason !== task.stoppedReason))
    .map(
      c =>
        `${c.name}: ${c.exitCode === undefined ? '' : `exit ${c.exitCode}`}${c.reason ? `${c.exitCode === undefined ? '' : ', '}${c.reason}` : ''}`
    )
  return `${task.stoppedReason ?? task.stopCode ?? 'no reason given'}${containers.length ? ` (${containers.join('; ')})` : ''}`
}

/** Tasks that stopped for the same reason (same stopped reason, container exit codes and reasons). */
export interface StoppedReasonGroup {
  /** As `stoppedReasonOf` says it. */
  readonly reason: string
  readonly count: number
  /** Newest first. */
  readonly tasks: readonly StoppedTask[]
}

/** Stopped tasks grouped by reason, the most frequent first (ties: the most recent first). */
export function groupStoppedTasks(tasks: readonly StoppedTask[]): StoppedReasonGroup[] {
  const sorted = [...tasks].sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
  const groups = new Map<string, StoppedTask[]>()
  for (const task of sorted) {
    const reason = stoppedReasonOf(task)
    const group = groups.get(reason)
    if (group) group.push(task)
    else groups.set(reason, [task])
  }
  return [...groups.entries()]
    .map(([reason, members]) => ({ reason, count: members.length, tasks: members }))
    .sort((a, b) => b.count - a.count)
}

/** The likeliest cause of a failed or stalled rollout, said in one line, and where it was read. */
export interface FailureCause {
  readonly text: string
  readonly source: 'stopped-tasks' | 'service-event' | 'lifecycle-event'
}

/** Service event messages that say why tasks are not starting (placement, load balancer, capacity). */
const TROUBLE = /unable|fail|error|unhealthy|insufficient|denied|cannot|not (?:found|authorized)/i

/**
 * One line for the summary's head and the failure line: the most frequent stopped reason with its count
 * ("21 tasks stopped: CannotPullContainerError: …"), else the newest service event that names a problem.
 */
export function failureCause(
  tasks: readonly StoppedTask[],
  events: readonly ServiceEvent[]
): FailureCause | undefined {
  // Tasks stopped on purpose (scaled in by a deployment, stopped by a user) say nothing about a failure.
  const groups = groupStoppedTasks(tasks.filter(t => !isRoutineStop(t)))
  const top = groups[0]
  if (top !== undefined) {
    const others = groups.slice(1).reduce((n, g) => n + g.count, 0)
    const more =
      others === 0
        ? ''
        : ` (and ${others} more for ${groups.length - 1} other reason${groups.length > 2 ? 's' : ''})`
    return {
      text: `${top.count} task${top.count === 1 ? '' : 's'} stopped: ${top.reason}${more}`,
      source: 'stopped-tasks'
    }
  }
  const event = newestEvents(events, events.length).find(e => TROUBLE.test(e.message ?? ''))
  if (event?.message) return { text: event.message, source: 'service-event' }
  return undefined
}

/** A stop that was asked for: scale-in by a deployment (ECS says "Scaling activity initiated by …"), or a user. */
export function isRoutineStop(task: StoppedTask): boolean {
  if (task.stopCode === 'UserInitiated') return true
  return /^Scaling activity initiated by/.test(task.stoppedReason ?? '')
}

/** A watch's reason with its cause appended, for the log's failure line. */
export function reasonWithCause(
  reason: string,
  tasks: readonly StoppedTask[],
  events: readonly ServiceEvent[]
): string {
  const cause = failureCause(tasks, events)
  if (cause === undefined || reason.includes(cause.text)) return reason
  // ECS's reasons end in a period ("tasks failed to start."); the cause follows as a clause, not a sentence.
  return `${reason.replace(/\.+$/, '')}; cause: ${cause.text}`
}
