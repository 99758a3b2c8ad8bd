/** ECS operations as the JSON 1.1 protocol calls them: params in, reply body out. */
import { clusterNotFound, type Ecs } from './ecs.js'
import type { TaskState } from './ecs-model.js'
import { rollBackNative } from './native-deploy.js'
import {
  AwsError,
  asArray,
  asNumber,
  asObject,
  asString,
  asStringArray,
  clone,
  invalidParameter,
  type Json,
  type Tag,
  text
} from './util.js'

export type Operation = (params: Json) => unknown

function page<T>(items: T[], params: Json, defaultMax = 100): { items: T[]; nextToken?: string } {
  const start =
    params.nextToken === undefined ? 0 : Number(Buffer.from(text(params.nextToken), 'base64url').toString())
  const max = asNumber(params.maxResults, 'maxResults') ?? defaultMax
  const slice = items.slice(start, start + max)
  const end = start + slice.length
  return end < items.length
    ? { items: slice, nextToken: Buffer.from(String(end)).toString('base64url') }
    : { items: slice }
}

function includes(params: Json, what: string): boolean {
  return asStringArray(params.include, 'include').includes(what)
}

export function ecsOperations(ecs: Ecs): Record<string, Operation> {
  const findTask = (clusterRef: unknown, ref: string): TaskState | undefined => {
    const cluster = ecs.cluster(clusterRef)
    const id = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref
    return ecs.tasks.get(ecs.world.arn('ecs', `task/${cluster.name}/${id}`))
  }

  /** RunTask client tokens per cluster: the tasks each started and the request that started them. */
  const runTokens = new Map<string, { request: string; tasks: string[] }>()

  return {
    CreateCluster: p => ({
      cluster: ecs.describeCluster(
        ecs.createCluster(asString(p.clusterName, 'clusterName') ?? 'default'),
        true
      )
    }),

    ListClusters: p => {
      const arns = [...ecs.clusters.values()].filter(c => c.status === 'ACTIVE').map(c => c.arn)
      const { items, nextToken } = page(arns, p)
      return { clusterArns: items, nextToken }
    },

    DescribeClusters: p => {
      const refs = asStringArray(p.clusters, 'clusters')
      const clusters: Json[] = []
      const failures: Json[] = []
      for (const ref of refs.length === 0 ? ['default'] : refs) {
        const name = ref.startsWith('arn:') ? ref.slice(ref.indexOf(':cluster/') + 9) : ref
        const cluster = ecs.clusters.get(name)
        if (cluster) clusters.push(ecs.describeCluster(cluster, includes(p, 'TAGS')))
        else failures.push({ arn: ecs.world.arn('ecs', `cluster/${name}`), reason: 'MISSING' })
      }
      return { clusters, failures }
    },

    RegisterTaskDefinition: p => {
      const td = ecs.registerTaskDefinition(p)
      return { taskDefinition: ecs.describeTaskDefinition(td), tags: clone(ecs.tags.get(td.arn) ?? []) }
    },

    DescribeTaskDefinition: p => {
      const td = ecs.taskDefinition(p.taskDefinition)
      const reply: Json = { taskDefinition: ecs.describeTaskDefinition(td) }
      if (includes(p, 'TAGS')) reply.tags = clone(ecs.tags.get(td.arn) ?? [])
      return reply
    },

    DeregisterTaskDefinition: p => {
      const ref = asString(p.taskDefinition, 'taskDefinition', true)
      if (!ref.includes(':') || (ref.startsWith('arn:') && !/:\d+$/.test(ref)))
        throw invalidParameter('Revision must be specified.')
      const td = ecs.findTaskDefinition(ref)
      if (!td) throw new AwsError('ClientException', 'The specified task definition does not exist.')
      if (td.status === 'ACTIVE') {
        td.status = 'INACTIVE'
        td.deregisteredAt = ecs.world.now()
      }
      return { taskDefinition: ecs.describeTaskDefinition(td) }
    },

    ListTaskDefinitions: p => {
      const prefix = asString(p.familyPrefix, 'familyPrefix')
      const status = asString(p.status, 'status') ?? 'ACTIVE'
      const sort = asString(p.sort, 'sort') ?? 'ASC'
      const all = [...ecs.families.keys()]
        .sort()
        .filter(f => prefix === undefined || f === prefix)
        .flatMap(f => ecs.families.get(f) ?? [])
        .filter(td => td.status === status)
        .map(td => td.arn)
      if (sort === 'DESC') all.reverse()
      const { items, nextToken } = page(all, p)
      return { taskDefinitionArns: items, nextToken }
    },

    ListTaskDefinitionFamilies: p => {
      const prefix = asString(p.familyPrefix, 'familyPrefix') ?? ''
      const status = asString(p.status, 'status') ?? 'ACTIVE'
      const families = [...ecs.families.entries()]
        .filter(
          ([f, list]) => f.startsWith(prefix) && (status === 'ALL' || list.some(td => td.status === status))
        )
        .map(([f]) => f)
        .sort()
      const { items, nextToken } = page(families, p)
      return { families: items, nextToken }
    },

    CreateService: p => ({ service: ecs.describeService(ecs.createService(p), false) }),

    UpdateService: p => ({ service: ecs.describeService(ecs.updateService(p), false) }),

    DeleteService: p => ({ service: ecs.describeService(ecs.deleteService(p), false) }),

    ListServices: p => {
      const cluster = ecs.cluster(p.cluster)
      const arns = [...ecs.services.values()]
        .filter(s => s.cluster === cluster && s.status === 'ACTIVE')
        .filter(s => p.launchType === undefined || s.settings.launchType === p.launchType)
        .map(s => s.arn)
      const { items, nextToken } = page(arns, p, 10)
      return { serviceArns: items, nextToken }
    },

    DescribeServices: p => {
      const cluster = ecs.cluster(p.cluster)
      const refs = asStringArray(p.services, 'services')
      if (refs.length === 0) throw invalidParameter('Services cannot be empty.')
      if (refs.length > 10) throw invalidParameter('Services cannot contain more than 10 elements.')
      const services: Json[] = []
      const failures: Json[] = []
      for (const ref of refs) {
        const key = ecs.serviceKey(cluster, ref)
        const service = ecs.services.get(key)
        if (service) services.push(ecs.describeService(service, includes(p, 'TAGS')))
        else failures.push({ arn: ecs.world.arn('ecs', `service/${key}`), reason: 'MISSING' })
      }
      return { services, failures }
    },

    ListTasks: p => {
      const cluster = ecs.cluster(p.cluster)
      const serviceName = asString(p.serviceName, 'serviceName')
      if (serviceName !== undefined) ecs.service(p.cluster, serviceName)
      const family = asString(p.family, 'family')
      const startedBy = asString(p.startedBy, 'startedBy')
      const desired = asString(p.desiredStatus, 'desiredStatus') ?? 'RUNNING'
      const arns = [...ecs.tasks.values()]
        .filter(t => t.cluster === cluster && t.desiredStatus === desired)
        .filter(
          t =>
            serviceName === undefined ||
            t.group === `service:${serviceName.slice(serviceName.lastIndexOf('/') + 1)}`
        )
        .filter(t => family === undefined || t.taskDefinitionArn.includes(`:task-definition/${family}:`))
        .filter(t => startedBy === undefined || t.startedBy === startedBy)
        .filter(t => p.launchType === undefined || t.launchType === p.launchType)
        .map(t => t.arn)
      const { items, nextToken } = page(arns, p)
      return { taskArns: items, nextToken }
    },

    DescribeTasks: p => {
      const refs = asStringArray(p.tasks, 'tasks')
      if (refs.length === 0) throw invalidParameter('Tasks cannot be empty.')
      if (refs.length > 100) throw invalidParameter('Tasks cannot contain more than 100 elements.')
      const tasks: Json[] = []
      const failures: Json[] = []
      for (const ref of refs) {
        const task = findTask(p.cluster, ref)
        if (task) tasks.push(ecs.describeTask(task, includes(p, 'TAGS')))
        else failures.push({ arn: ref, reason: 'MISSING' })
      }
      return { tasks, failures }
    },

    RunTask: p => {
      const cluster = ecs.cluster(p.cluster)
      const td = ecs.taskDefinition(p.taskDefinition)
      if (td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive')
      const count = asNumber(p.count, 'count') ?? 1
      if (count < 1 || count > 10) throw invalidParameter('Count must be between 1 and 10.')
      checkRunTask(td.body, p)
      const token = asString(p.clientToken, 'clientToken')
      if (token !== undefined) {
        if (token.length > 64) throw invalidParameter('clientToken length must be at most 64.')
        const { clientToken: _, ...request } = p
        const earlier = runTokens.get(`${cluster.name}/${token}`)
        if (earlier && earlier.request !== JSON.stringify(request))
          throw invalidParameter(
            'The client token is already used by another request with different parameters.'
          )
        if (earlier) {
          const tasks = earlier.tasks.map(arn => ecs.tasks.get(arn)).filter(t => t !== undefined)
          return { tasks: tasks.map(t => ecs.describeTask(t, false)), failures: [] }
        }
      }
      const placement = ecs.scenario.placementFailure(ecs.matchTarget(td))
      if (placement) return { tasks: [], failures: [{ reason: placement.reason ?? 'RESOURCE:MEMORY' }] }
      const tasks: Json[] = []
      const now = ecs.world.now()
      for (let i = 0; i < count; i++) {
        const task = ecs.launchTask(cluster, td, now, {
          group: asString(p.group, 'group') ?? `family:${td.family}`,
          startedBy: asString(p.startedBy, 'startedBy'),
          launchType:
            asString(p.launchType, 'launchType') ?? (p.capacityProviderStrategy ? undefined : 'EC2'),
          overrides: asObject(p.overrides, 'overrides'),
          enableExecuteCommand: p.enableExecuteCommand === true,
          tags: asArray(p.tags, 'tags') as Tag[]
        })
        const platform = asString(p.platformVersion, 'platformVersion')
        if (platform !== undefined && task.launchType === 'FARGATE')
          task.platformVersion = platform === 'LATEST' ? '1.4.0' : platform
        tasks.push(ecs.describeTask(task, false))
      }
      if (token !== undefined) {
        const { clientToken: _, ...request } = p
        runTokens.set(`${cluster.name}/${token}`, {
          request: JSON.stringify(request),
          tasks: tasks.map(t => String(t.taskArn))
        })
      }
      return { tasks, failures: [] }
    },

    StopTask: p => {
      const ref = asString(p.task, 'task', true)
      const task = findTask(p.cluster, ref)
      if (!task) throw invalidParameter('The referenced task was not found.')
      ecs.stopTask(task, 'UserInitiated', asString(p.reason, 'reason') ?? 'Task stopped by user')
      return { task: ecs.describeTask(task, false) }
    },

    ListServiceDeployments: p => {
      const service = ecs.service(p.cluster, p.service)
      const statuses = asStringArray(p.status, 'status')
      const created = asObject(p.createdAt, 'createdAt')
      const after = asNumber(created?.after, 'createdAt.after')
      const before = asNumber(created?.before, 'createdAt.before')
      const records = [...ecs.serviceDeployments.values()]
        .reverse()
        .filter(r => r.serviceKey === service.key)
        .filter(r => statuses.length === 0 || statuses.includes(r.status))
        .filter(r => after === undefined || r.createdAt >= after * 1000)
        .filter(r => before === undefined || r.createdAt <= before * 1000)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(r => ({
          serviceDeploymentArn: r.arn,
          serviceArn: r.serviceArn,
          clusterArn: r.clusterArn,
          startedAt: r.startedAt / 1000,
          createdAt: r.createdAt / 1000,
          ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt / 1000 } : {}),
          targetServiceRevisionArn: r.targetRevisionArn,
          status: r.status,
          ...(r.statusReason !== undefined ? { statusReason: r.statusReason } : {})
        }))
      const { items, nextToken } = page(records, p, 20)
      return { serviceDeployments: items, nextToken }
    },

    DescribeServiceDeployments: p => {
      const arns = asStringArray(p.serviceDeploymentArns, 'serviceDeploymentArns')
      if (arns.length === 0) throw invalidParameter('serviceDeploymentArns cannot be empty.')
      const serviceDeployments: Json[] = []
      const failures: Json[] = []
      for (const arn of arns) {
        const record = ecs.serviceDeployments.get(arn)
        if (record) serviceDeployments.push(ecs.describeServiceDeployment(record))
        else failures.push({ arn, reason: 'MISSING', detail: 'Service deployment not found.' })
      }
      return { serviceDeployments, failures }
    },

    DescribeServiceRevisions: p => {
      const arns = asStringArray(p.serviceRevisionArns, 'serviceRevisionArns')
      const serviceRevisions: Json[] = []
      const failures: Json[] = []
      for (const arn of arns) {
        const r = ecs.revisions.get(arn)
        if (!r) {
          failures.push({ arn, reason: 'MISSING' })
          continue
        }
        const s = r.settings
        serviceRevisions.push({
          serviceRevisionArn: r.arn,
          serviceArn: r.serviceArn,
          clusterArn: r.clusterArn,
          taskDefinition: r.taskDefinition,
          createdAt: r.createdAt / 1000,
          ...(s.launchType !== undefined ? { launchType: s.launchType } : {}),
          ...(s.capacityProviderStrategy !== undefined
            ? { capacityProviderStrategy: s.capacityProviderStrategy }
            : {}),
          ...(s.platformVersion !== undefined ? { platformVersion: s.platformVersion } : {}),
          ...(s.networkConfiguration !== undefined ? { networkConfiguration: s.networkConfiguration } : {}),
          loadBalancers: s.loadBalancers ?? [],
          serviceRegistries: s.serviceRegistries ?? []
        })
      }
      return { serviceRevisions, failures }
    },

    StopServiceDeployment: p => {
      const arn = asString(p.serviceDeploymentArn, 'serviceDeploymentArn', true)
      const record = ecs.serviceDeployments.get(arn)
      if (!record) throw new AwsError('ServiceDeploymentNotFoundException', 'Service deployment not found.')
      const stopType = asString(p.stopType, 'stopType') ?? 'ROLLBACK'
      // The API lists ABORT and ROLLBACK, and documents ROLLBACK as the one valid value.
      if (stopType !== 'ROLLBACK')
        throw invalidParameter(`Invalid stopType '${stopType}'. The valid values are ROLLBACK.`)
      // Stopping a deployment that is rolling back already continues that rollback (ECS's documented states).
      if (record.status === 'ROLLBACK_REQUESTED' || record.status === 'ROLLBACK_IN_PROGRESS')
        return { serviceDeploymentArn: arn }
      if (record.status !== 'IN_PROGRESS' && record.status !== 'PENDING')
        throw new AwsError(
          'ConflictException',
          `The service deployment is in ${record.status} status and cannot be stopped.`
        )
      const service = ecs.services.get(record.serviceKey)
      const previous = service?.lastCompleted
      const now = ecs.world.now()
      // Blue/green, linear, canary: traffic goes back to the blue revision, still running (also in bake time).
      if (service && record.native) {
        rollBackNative(ecs, service, record, 'Service deployment rolled back because of a stop request.', now)
        return { serviceDeploymentArn: arn }
      }
      if (!service || !previous)
        throw new AwsError(
          'ConflictException',
          'There is no previous successful service revision to roll back to.'
        )
      record.status = 'ROLLBACK_IN_PROGRESS'
      record.statusReason = 'Service deployment rolled back because of a stop request.'
      record.rollback = {
        reason: 'Service deployment rolled back because of a stop request.',
        startedAt: now,
        serviceRevisionArn: previous.serviceRevisionArn
      }
      const primary = service.deployments.find(d => d.status === 'PRIMARY')
      if (primary) {
        primary.rolloutState = 'FAILED'
        primary.rolloutStateReason = 'ECS deployment stopped by request.'
      }
      ecs.startDeployment(service, previous.taskDefinition, now, {
        reason: 'rollback',
        record,
        from: previous.deploymentId
      })
      return { serviceDeploymentArn: arn }
    },

    ContinueServiceDeployment: p => {
      const arn = asString(p.serviceDeploymentArn, 'serviceDeploymentArn', true)
      const hookId = asString(p.hookId, 'hookId', true)
      const action = asString(p.action, 'action') ?? 'CONTINUE'
      if (action !== 'CONTINUE' && action !== 'ROLLBACK')
        throw invalidParameter(`Invalid action '${action}'. The valid values are ROLLBACK, CONTINUE.`)
      const record = ecs.serviceDeployments.get(arn)
      if (!record) throw new AwsError('ServiceDeploymentNotFoundException', 'Service deployment not found.')
      // The developer guide: the hook must be AWAITING_ACTION and the deployment IN_PROGRESS.
      if (record.status !== 'IN_PROGRESS')
        throw invalidParameter(
          `The service deployment is in ${record.status} status. Only an IN_PROGRESS deployment can be continued.`
        )
      const hook = record.native?.hooks.find(h => h.hookId === hookId)
      if (!hook)
        throw invalidParameter(`The lifecycle hook ${hookId} was not found in the service deployment.`)
      if (hook.status !== 'AWAITING_ACTION' || hook.stage !== record.native?.stage)
        throw invalidParameter(
          `The lifecycle hook ${hookId} is in ${hook.status} status. Only a hook in AWAITING_ACTION status can be continued.`
        )
      const now = ecs.world.now()
      record.updatedAt = now
      if (action === 'CONTINUE') {
        hook.status = 'SUCCEEDED'
      } else {
        hook.status = 'FAILED'
        const service = ecs.services.get(record.serviceKey)
        if (service)
          rollBackNative(
            ecs,
            service,
            record,
            `Service deployment rolled back by ContinueServiceDeployment at ${hook.stage}.`,
            now
          )
      }
      return { serviceDeploymentArn: arn }
    },

    TagResource: p => {
      const arn = asString(p.resourceArn, 'resourceArn', true)
      if (!ecs.resourceExists(arn))
        throw new AwsError('ResourceNotFoundException', 'The specified resource is not found.')
      const tags = ecs.tags.get(arn) ?? []
      for (const tag of asArray(p.tags, 'tags') as Tag[]) {
        const i = tags.findIndex(t => t.key === tag.key)
        if (i >= 0) tags[i] = clone(tag)
        else tags.push(clone(tag))
      }
      ecs.tags.set(arn, tags)
      return {}
    },

    UntagResource: p => {
      const arn = asString(p.resourceArn, 'resourceArn', true)
      if (!ecs.resourceExists(arn))
        throw new AwsError('ResourceNotFoundException', 'The specified resource is not found.')
      const keys = asStringArray(p.tagKeys, 'tagKeys')
      ecs.tags.set(
        arn,
        (ecs.tags.get(arn) ?? []).filter(t => !keys.includes(t.key))
      )
      return {}
    },

    ListTagsForResource: p => {
      const arn = asString(p.resourceArn, 'resourceArn', true)
      if (arn.includes(':cluster/') && !ecs.resourceExists(arn)) throw clusterNotFound()
      if (!ecs.resourceExists(arn)) throw invalidParameter('The specified resource is not found.')
      return { tags: clone(ecs.tags.get(arn) ?? []) }
    }
  }
}

/**
 * What RunTask refuses before starting anything, worded as ECS words it: a launch type beside a capacity
 * provider strategy, awsvpc without a network configuration (or one for another network mode), a launch type
 * the task definition is not compatible with, overrides naming a container the task definition lacks or
 * longer than 8192 characters.
 */
function checkRunTask(td: Json, p: Json): void {
  const launchType = asString(p.launchType, 'launchType')
  const strategy = asArray(p.capacityProviderStrategy, 'capacityProviderStrategy')
  if (launchType !== undefined && strategy.length > 0)
    throw invalidParameter(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    )
  if (launchType !== undefined && !['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'].includes(launchType))
    throw invalidParameter(`launchType must be one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES.`)
  const networkMode = text(td.networkMode) || 'bridge'
  const network = asObject(p.networkConfiguration, 'networkConfiguration')
  if (networkMode === 'awsvpc') {
    const vpc = asObject(network?.awsvpcConfiguration, 'awsvpcConfiguration')
    if (!vpc)
      throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    if (asStringArray(vpc.subnets, 'subnets').length === 0)
      throw invalidParameter('subnets can not be empty.')
  } else if (network !== undefined) {
    throw invalidParameter(
      'Network Configuration is not valid for the given networkMode of this task definition.'
    )
  }
  const compatibilities = asStringArray(td.requiresCompatibilities, 'requiresCompatibilities')
  if (launchType === 'FARGATE' && compatibilities.length > 0 && !compatibilities.includes('FARGATE'))
    throw invalidParameter('Task definition does not support launch_type FARGATE.')
  const overrides = asObject(p.overrides, 'overrides')
  if (overrides) {
    if (JSON.stringify(overrides).length > 8192)
      throw invalidParameter('Container Overrides length must be at most 8192')
    const names = (asArray(td.containerDefinitions, 'containerDefinitions') as Json[]).map(c => text(c.name))
    for (const o of asArray(overrides.containerOverrides, 'containerOverrides') as Json[]) {
      const name = asString(asObject(o, 'containerOverride')?.name, 'name')
      if (name === undefined) throw invalidParameter('Container override name must be specified.')
      if (!names.includes(name))
        throw invalidParameter(
          `Override for container named ${name} is not a container in the TaskDefinition.`
        )
    }
  }
}
