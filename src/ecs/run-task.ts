/**
 * One-off tasks (ecspresso `run`): the RunTask request built from the service definition, as ecspresso
 * builds it (network configuration, launch type or capacity provider strategy, placement, platform version,
 * managed tags, execute command; tags and propagateTags), the checks ECS would make after the registration,
 * made before it, and the DescribeTasks/StopTask calls that follow the tasks.
 */
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Service,
  type Task,
  type TaskDefinition,
  type TaskOverride
} from '@aws-sdk/client-ecs'
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import type { ObservedTask } from '../deploy/task-outcome.js'
import type { ServiceDefinitionInput } from '../definitions/index.js'
import { overrideFindings } from './run-overrides.js'

/** The RunTask fields a service definition (or the live service) lends a one-off task. */
export type RunSettings = Pick<
  RunTaskCommandInput,
  | 'networkConfiguration'
  | 'launchType'
  | 'capacityProviderStrategy'
  | 'placementConstraints'
  | 'placementStrategy'
  | 'platformVersion'
  | 'enableECSManagedTags'
  | 'enableExecuteCommand'
  | 'tags'
  | 'propagateTags'
>

/**
 * The settings from the service definition file, else from the live service (no file: an aws-actions user
 * running a migration beside a service). RunTask takes no `SERVICE` propagateTags, so it becomes
 * TASK_DEFINITION as in ecspresso; the service's tags are the task's.
 */
export function runSettings(
  definition: ServiceDefinitionInput | undefined,
  live: Service | undefined
): RunSettings {
  const from = (definition ?? live ?? {}) as Partial<ServiceDefinitionInput & Service>
  const settings: Record<string, unknown> = {
    networkConfiguration: from.networkConfiguration,
    launchType: from.capacityProviderStrategy?.length ? undefined : from.launchType,
    capacityProviderStrategy: from.capacityProviderStrategy?.length
      ? from.capacityProviderStrategy
      : undefined,
    placementConstraints: from.placementConstraints?.length ? from.placementConstraints : undefined,
    placementStrategy: from.placementStrategy?.length ? from.placementStrategy : undefined,
    platformVersion: from.platformVersion,
    enableECSManagedTags: from.enableECSManagedTags,
    enableExecuteCommand: from.enableExecuteCommand,
    tags: from.tags?.length ? from.tags : undefined,
    propagateTags:
      from.propagateTags === 'SERVICE' || from.propagateTags === 'TASK_DEFINITION'
        ? 'TASK_DEFINITION'
        : undefined
  }
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined))
}

/** The container whose exit code decides: the named one, else the first essential one. */
export function watchedContainer(
  td: Pick<TaskDefinition, 'containerDefinitions'>,
  name: string | undefined
): string | undefined {
  const containers = td.containerDefinitions ?? []
  if (name !== undefined) return containers.find(c => c.name === name)?.name
  return (containers.find(c => c.essential !== false) ?? containers[0])?.name
}

/**
 * Everything RunTask would refuse (or that would make the step meaningless) after a registration, found
 * before it: the watched container, the overrides' container names, the network configuration awsvpc needs,
 * a launch type beside a capacity provider strategy.
 */
export function runFindings(
  td: TaskDefinition | RegisterTaskDefinitionCommandInput,
  settings: RunSettings,
  overrides: TaskOverride | undefined,
  watchContainer: string | undefined
): {
  readonly input: 'overrides' | 'watch-container' | undefined
  readonly message: string
  readonly hint?: string
}[] {
  const findings: { input: 'overrides' | 'watch-container' | undefined; message: string; hint?: string }[] =
    []
  const names = (td.containerDefinitions ?? []).map(c => c.name ?? '')
  if (watchContainer !== undefined && !names.includes(watchContainer)) {
    findings.push({
      input: 'watch-container',
      message: `container '${watchContainer}' is not in task definition ${td.family ?? ''}`,
      hint: `its containers are: ${names.join(', ')}`
    })
  }
  for (const message of overrideFindings(overrides, td))
    findings.push({ input: 'overrides', message, hint: `its containers are: ${names.join(', ')}` })
  if (td.networkMode === 'awsvpc' && settings.networkConfiguration?.awsvpcConfiguration === undefined) {
    findings.push({
      input: undefined,
      message: `task definition ${td.family ?? ''} uses networkMode awsvpc, so RunTask needs a network configuration, and the service definition has none`,
      hint: 'add networkConfiguration.awsvpcConfiguration (subnets, securityGroups) to the service definition'
    })
  }
  return findings
}

export interface RunTaskRequest {
  readonly cluster: string
  readonly taskDefinitionArn: string
  readonly settings: RunSettings
  readonly overrides: TaskOverride | undefined
  readonly count: number
  /** Idempotency token: a retried RunTask starts no second set of tasks. */
  readonly clientToken: string
  /** `startedBy` (at most 36 characters): lets a person find the tasks of this run. */
  readonly startedBy: string
}

export function runTaskInput(request: RunTaskRequest): RunTaskCommandInput {
  return {
    cluster: request.cluster,
    taskDefinition: request.taskDefinitionArn,
    count: request.count,
    ...request.settings,
    ...(request.overrides === undefined ? {} : { overrides: request.overrides }),
    clientToken: request.clientToken,
    startedBy: request.startedBy
  }
}

export async function runTask(
  ecs: ECSClient,
  request: RunTaskRequest
): Promise<{ tasks: Task[]; failures: { arn: string | undefined; reason: string }[] }> {
  const out = await ecs.send(new RunTaskCommand(runTaskInput(request)))
  return {
    tasks: out.tasks ?? [],
    failures: (out.failures ?? []).map(f => ({
      arn: f.arn,
      reason: [f.reason, f.detail].filter(Boolean).join(': ') || 'unknown'
    }))
  }
}

/** DescribeTasks in pages of 100. */
export async function describeTasks(
  ecs: ECSClient,
  cluster: string,
  arns: readonly string[],
  abortSignal?: AbortSignal
): Promise<Task[]> {
  const tasks: Task[] = []
  for (let i = 0; i < arns.length; i += 100) {
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }),
      abortSignal === undefined ? {} : { abortSignal }
    )
    tasks.push(...(out.tasks ?? []))
  }
  return tasks
}

export async function stopTask(
  ecs: ECSClient,
  cluster: string,
  arn: string,
  reason: string,
  abortSignal?: AbortSignal
): Promise<void> {
  await ecs.send(
    new StopTaskCommand({ cluster, task: arn, reason: reason.slice(0, 255) }),
    abortSignal === undefined ? {} : { abortSignal }
  )
}

export function observeTask(task: Task, container: string | undefined): ObservedTask {
  const c = task.containers?.find(x => x.name === container)
  return {
    arn: task.taskArn ?? '',
    lastStatus: task.lastStatus,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    startedAt: task.startedAt,
    stoppedAt: task.stoppedAt,
    container:
      c === undefined
        ? undefined
        : { name: c.name ?? '', exitCode: c.exitCode, reason: c.reason, lastStatus: c.lastStatus }
  }
}
