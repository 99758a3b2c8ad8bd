/** What a project's definitions refer to outside themselves: the things `verify` checks exist. */
import type { Project } from '../project.js'

export interface ImageUse {
  readonly container: string
  readonly image: string
}
export interface RoleUse {
  readonly kind: 'task role' | 'execution role'
  readonly role: string
}
export interface SecretUse {
  /** Where it is named, e.g. `container app: secrets DB_PASSWORD`. */
  readonly where: string
  readonly valueFrom: string
}
export interface LogGroupUse {
  readonly container: string
  readonly group: string
  readonly region: string
  readonly createGroup: boolean
}
export interface TargetGroupUse {
  readonly index: number
  readonly arn: string
  readonly container: string | undefined
  readonly containerPort: number | undefined
  /** The container's port mapping protocol for that port (`tcp` when unset). */
  readonly portProtocol: string | undefined
}

export interface References {
  readonly cluster: string
  readonly capacityProviders: readonly string[]
  readonly networkMode: string | undefined
  readonly images: readonly ImageUse[]
  readonly roles: readonly RoleUse[]
  readonly secrets: readonly SecretUse[]
  readonly logGroups: readonly LogGroupUse[]
  readonly targetGroups: readonly TargetGroupUse[]
  readonly subnets: readonly string[]
  readonly securityGroups: readonly string[]
}

export function collectReferences(project: Project): References {
  const { config, taskDefinition: task, serviceDefinition: service } = project
  const containers = task?.containerDefinitions ?? []
  const roles: RoleUse[] = []
  if (task?.taskRoleArn) roles.push({ kind: 'task role', role: task.taskRoleArn })
  if (task?.executionRoleArn) roles.push({ kind: 'execution role', role: task.executionRoleArn })

  const secrets: SecretUse[] = []
  const logGroups: LogGroupUse[] = []
  for (const c of containers) {
    const name = c.name ?? '?'
    for (const s of c.secrets ?? [])
      if (s.valueFrom)
        secrets.push({ where: `container ${name}: secrets ${s.name ?? ''}`, valueFrom: s.valueFrom })
    if (c.repositoryCredentials?.credentialsParameter)
      secrets.push({
        where: `container ${name}: repositoryCredentials`,
        valueFrom: c.repositoryCredentials.credentialsParameter
      })
    for (const s of c.logConfiguration?.secretOptions ?? [])
      if (s.valueFrom)
        secrets.push({
          where: `container ${name}: log secretOptions ${s.name ?? ''}`,
          valueFrom: s.valueFrom
        })
    const log = c.logConfiguration
    const group = log?.options?.['awslogs-group']
    if (log?.logDriver === 'awslogs' && group)
      logGroups.push({
        container: name,
        group,
        region: log.options?.['awslogs-region'] || config.region,
        createGroup: log.options?.['awslogs-create-group'] === 'true'
      })
  }

  const targetGroups: TargetGroupUse[] = []
  ;(service?.loadBalancers ?? []).forEach((lb, index) => {
    if (!lb.targetGroupArn) return
    const mapping = containers
      .find(c => c.name === lb.containerName)
      ?.portMappings?.find(p => p.containerPort === lb.containerPort)
    targetGroups.push({
      index,
      arn: lb.targetGroupArn,
      container: lb.containerName,
      containerPort: lb.containerPort,
      portProtocol: mapping ? (mapping.protocol ?? 'tcp') : undefined
    })
  })
  const vpc = service?.networkConfiguration?.awsvpcConfiguration
  return {
    cluster: config.cluster,
    capacityProviders: [
      ...new Set((service?.capacityProviderStrategy ?? []).map(s => s.capacityProvider ?? ''))
    ].filter(name => name !== ''),
    networkMode: task?.networkMode,
    images: containers.map(c => ({ container: c.name ?? '?', image: c.image ?? '' })),
    roles,
    secrets,
    logGroups,
    targetGroups,
    subnets: [...new Set(vpc?.subnets ?? [])],
    securityGroups: [...new Set(vpc?.securityGroups ?? [])]
  }
}
