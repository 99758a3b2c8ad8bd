import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type Service,
  type Tag,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { ActionError } from '../errors.js'

/** What runs in AWS right now for one service: the read every plan starts from. */
export interface LiveState {
  /** Undefined when the service does not exist (never created, or deleted: INACTIVE). */
  readonly service: Service | undefined
  /** The task definition the service runs now (its `taskDefinition`), undefined without a service. */
  readonly taskDefinition: TaskDefinition | undefined
  readonly taskDefinitionTags: Tag[]
  readonly serviceTags: Tag[]
}

/** The AWS error name of a thrown SDK error (`ClusterNotFoundException`, `AccessDeniedException`, ...). */
export function awsErrorName(error: unknown): string | undefined {
  if (error instanceof Error && typeof error.name === 'string' && error.name !== 'Error') return error.name
  return undefined
}

/**
 * Reads the live service and the task definition it runs, with their tags. Read-only.
 * Throws an ActionError when the cluster does not exist; a missing service is `service: undefined`.
 */
export async function describeLive(ecs: ECSClient, cluster: string, service: string): Promise<LiveState> {
  let described
  try {
    described = await ecs.send(
      new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] })
    )
  } catch (error) {
    if (awsErrorName(error) === 'ClusterNotFoundException') throw clusterNotFound(cluster, error)
    throw error
  }
  const failure = described.failures?.find(f => f.reason !== 'MISSING')
  if (failure !== undefined) {
    if (failure.reason === 'ClusterNotFoundException' || /cluster not found/i.test(failure.reason ?? '')) {
      throw clusterNotFound(cluster, undefined)
    }
    throw new ActionError(`describing service ${service} failed: ${failure.reason ?? 'unknown reason'}`, {
      hint: failure.detail
    })
  }
  const found = described.services?.find(s => s.status !== 'INACTIVE')
  if (found === undefined)
    return { service: undefined, taskDefinition: undefined, taskDefinitionTags: [], serviceTags: [] }

  if (found.taskDefinition === undefined) {
    return {
      service: found,
      taskDefinition: undefined,
      taskDefinitionTags: [],
      serviceTags: found.tags ?? []
    }
  }
  const td = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: found.taskDefinition, include: ['TAGS'] })
  )
  return {
    service: found,
    taskDefinition: td.taskDefinition,
    taskDefinitionTags: td.tags ?? [],
    serviceTags: found.tags ?? []
  }
}

function clusterNotFound(cluster: string, cause: unknown): ActionError {
  return new ActionError(`cluster ${cluster} not found`, {
    hint: `check 'cluster' in the config and 'region'; create the cluster first (aws ecs create-cluster --cluster-name ${cluster}) if it is new`,
    cause
  })
}
