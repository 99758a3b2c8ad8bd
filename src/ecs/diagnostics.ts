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
  limit = 5
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
  const containers = task.containers
    .filter(c => c.exitCode !== undefined || (c.reason !== undefined && c.reason !== task.stoppedReason))
    .map(
      c =>
        `${c.name}: ${c.exitCode === undefined ? '' : `exit ${c.exitCode}`}${c.reason ? `${c.exitCode === undefined ? '' : ', '}${c.reason}` : ''}`
    )
  return `task ${id} stopped: ${task.stoppedReason ?? task.stopCode ?? 'no reason given'}${containers.length ? ` (${containers.join('; ')})` : ''}`
}
