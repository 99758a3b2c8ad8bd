/**
 * ECS's request throttling, as the developer guide's "Request throttling for the Amazon ECS API" describes
 * it: per account and Region, a token bucket per API (its size the burst, its refill the sustained rate per
 * second), measured in wall time (a quota is about requests a real second, whatever speed the simulation runs
 * at). A request finding the bucket empty is refused with `ThrottlingException: Rate exceeded`, as ECS refuses it.
 */

export interface Quota {
  readonly burst: number
  readonly perSecond: number
}

/** The guide's quotas by group of actions. */
export const ECS_QUOTAS: Readonly<Record<string, Quota>> = {
  clusterRead: { burst: 50, perSecond: 20 },
  serviceRead: { burst: 100, perSecond: 20 },
  serviceWrite: { burst: 50, perSecond: 5 },
  taskDefinitionRead: { burst: 100, perSecond: 20 },
  taskDefinitionWrite: { burst: 20, perSecond: 1 },
  taskRead: { burst: 100, perSecond: 20 },
  taskWrite: { burst: 100, perSecond: 20 },
  tagRead: { burst: 50, perSecond: 20 },
  tagWrite: { burst: 50, perSecond: 20 },
  other: { burst: 20, perSecond: 5 }
}

const GROUPS: Record<string, string> = {
  DescribeClusters: 'clusterRead',
  ListClusters: 'clusterRead',
  DescribeServices: 'serviceRead',
  ListServices: 'serviceRead',
  ListServicesByNamespace: 'serviceRead',
  DescribeServiceDeployments: 'serviceRead',
  ListServiceDeployments: 'serviceRead',
  DescribeServiceRevisions: 'serviceRead',
  CreateService: 'serviceWrite',
  UpdateService: 'serviceWrite',
  DeleteService: 'serviceWrite',
  StopServiceDeployment: 'serviceWrite',
  DescribeTaskDefinition: 'taskDefinitionRead',
  ListTaskDefinitions: 'taskDefinitionRead',
  ListTaskDefinitionFamilies: 'taskDefinitionRead',
  RegisterTaskDefinition: 'taskDefinitionWrite',
  DeregisterTaskDefinition: 'taskDefinitionWrite',
  DeleteTaskDefinitions: 'taskDefinitionWrite',
  DescribeTasks: 'taskRead',
  ListTasks: 'taskRead',
  RunTask: 'taskWrite',
  StartTask: 'taskWrite',
  StopTask: 'taskWrite',
  ListTagsForResource: 'tagRead',
  TagResource: 'tagWrite',
  UntagResource: 'tagWrite'
}

export function quotaOf(operation: string): Quota {
  return ECS_QUOTAS[GROUPS[operation] ?? 'other']!
}

/** A bucket per ECS API name; `take` says whether the request may go on. */
export class Throttle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  take(service: string, operation: string): boolean {
    if (service !== 'ecs') return true
    const quota = quotaOf(operation)
    const now = this.now()
    const bucket = this.buckets.get(operation) ?? { tokens: quota.burst, at: now }
    bucket.tokens = Math.min(quota.burst, bucket.tokens + ((now - bucket.at) / 1000) * quota.perSecond)
    bucket.at = now
    this.buckets.set(operation, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
