/**
 * Amazon ECS: the static calls (task definitions, services, tasks, tags) and the state they share with the
 * scheduler in `scheduler.ts`.
 */
import type {
  Cluster,
  ContainerState,
  Deployment,
  Service,
  ServiceDeploymentRecord,
  ServiceRevision,
  TaskDefinition,
  TaskState
} from './ecs-model.js'
import { Scenario, type MatchTarget } from './scenario.js'
import {
  AwsError,
  asArray,
  asNumber,
  asObject,
  asString,
  asStringArray,
  clone,
  compact,
  invalidParameter,
  seconds,
  type Json,
  type Tag,
  text
} from './util.js'
import type { Logs } from './logs.js'
import { checkStrategy, describeNative, startNative } from './native-deploy.js'
import type { World } from './world.js'

const MAX_EVENTS = 100
/** RegisterTaskDefinition's request, in bytes. */
const TASK_DEFINITION_MAX_BYTES = 65536
const CONTAINERS_MAX = 10
/**
 * What ECS accepts in `image` ("letters, numbers, hyphens, underscores, colons, periods, forward slashes, and
 * number signs", and `@` for digests). ECS checks characters, not the reference grammar: `repo:a:b` registers and
 * fails at pull time.
 */
const IMAGE_CHARACTERS = /^[A-Za-z0-9\-_:./#@]+$/

export const clusterNotFound = (): AwsError => new AwsError('ClusterNotFoundException', 'Cluster not found.')
export const serviceNotFound = (): AwsError => new AwsError('ServiceNotFoundException', 'Service not found.')

/** Keys of CreateService/UpdateService kept on the service and returned as given. */
const SERVICE_SETTINGS = [
  'loadBalancers',
  'serviceRegistries',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'placementConstraints',
  'placementStrategy',
  'networkConfiguration',
  'healthCheckGracePeriodSeconds',
  'schedulingStrategy',
  'enableECSManagedTags',
  'propagateTags',
  'enableExecuteCommand',
  'availabilityZoneRebalancing',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
  'role'
] as const

/** Changing one of these starts a new deployment, as on AWS. */
const DEPLOYMENT_SETTINGS = new Set([
  'loadBalancers',
  'serviceRegistries',
  'capacityProviderStrategy',
  'platformVersion',
  'networkConfiguration',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations'
])

export class Ecs {
  readonly clusters = new Map<string, Cluster>()
  readonly families = new Map<string, TaskDefinition[]>()
  readonly services = new Map<string, Service>()
  readonly tasks = new Map<string, TaskState>()
  readonly tags = new Map<string, Tag[]>()
  readonly revisions = new Map<string, ServiceRevision>()
  readonly serviceDeployments = new Map<string, ServiceDeploymentRecord>()
  readonly scenario = new Scenario()
  /** Where the awslogs driver writes; set by the emulator (absent: logs go nowhere). */
  logs: Logs | undefined
  /** CreateService client tokens per cluster: the service each created and the request that created it. */
  private readonly clientTokens = new Map<string, { key: string; request: string }>()

  constructor(readonly world: World) {}

  // ---- lookups -------------------------------------------------------------------------------------------

  cluster(ref: unknown): Cluster {
    const text = asString(ref, 'cluster') ?? 'default'
    const name = text.startsWith('arn:') ? text.slice(text.indexOf(':cluster/') + 9) : text
    const cluster = this.clusters.get(name)
    if (!cluster || cluster.status !== 'ACTIVE') throw clusterNotFound()
    return cluster
  }

  serviceKey(cluster: Cluster, ref: string): string {
    const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref
    return `${cluster.name}/${name}`
  }

  /** An ACTIVE (or draining) service, else ServiceNotFoundException. */
  service(clusterRef: unknown, serviceRef: unknown): Service {
    const cluster = this.cluster(clusterRef)
    const ref = asString(serviceRef, 'service', true)
    const service = this.services.get(this.serviceKey(cluster, ref))
    if (!service || service.status === 'INACTIVE') throw serviceNotFound()
    return service
  }

  /** `family`, `family:revision` or an ARN. A bare family means its latest ACTIVE revision. */
  findTaskDefinition(ref: string): TaskDefinition | undefined {
    const body = ref.startsWith('arn:') ? ref.slice(ref.indexOf(':task-definition/') + 17) : ref
    const colon = body.lastIndexOf(':')
    if (colon < 0) {
      const list = this.families.get(body) ?? []
      return [...list].reverse().find(td => td.status === 'ACTIVE')
    }
    const family = body.slice(0, colon)
    const revision = Number(body.slice(colon + 1))
    return this.families.get(family)?.find(td => td.revision === revision)
  }

  taskDefinition(ref: unknown, name = 'taskDefinition'): TaskDefinition {
    const text = asString(ref, name, true)
    const td = this.findTaskDefinition(text)
    if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.')
    return td
  }

  tasksOf(service: Service): TaskState[] {
    return [...this.tasks.values()].filter(t => t.serviceKey === service.key)
  }

  matchTarget(td: TaskDefinition, service?: string): MatchTarget {
    const containers = asArray(td.body.containerDefinitions, 'containerDefinitions') as Json[]
    return {
      taskDefinitionArn: td.arn,
      family: td.family,
      revision: td.revision,
      images: containers.map(c => text(c.image)),
      service
    }
  }

  event(service: Service, message: string, at = this.world.now()): void {
    service.events.unshift({ id: this.world.rng.uuid(), createdAt: at, message })
    if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS
  }

  deploymentId(): string {
    return `ecs-svc/${this.world.rng.digits(19)}`
  }

  // ---- clusters --------------------------------------------------------------------------------------------

  createCluster(name: string): Cluster {
    const existing = this.clusters.get(name)
    if (existing && existing.status === 'ACTIVE') return existing
    const cluster: Cluster = {
      name,
      arn: this.world.arn('ecs', `cluster/${name}`),
      status: 'ACTIVE',
      createdAt: this.world.now()
    }
    this.clusters.set(name, cluster)
    return cluster
  }

  describeCluster(cluster: Cluster, includeTags: boolean): Json {
    const services = [...this.services.values()].filter(s => s.cluster === cluster && s.status === 'ACTIVE')
    const tasks = [...this.tasks.values()].filter(t => t.cluster === cluster && t.lastStatus !== 'STOPPED')
    return compact({
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      status: cluster.status,
      registeredContainerInstancesCount: 0,
      runningTasksCount: tasks.filter(t => t.lastStatus === 'RUNNING').length,
      pendingTasksCount: tasks.filter(t => t.lastStatus !== 'RUNNING').length,
      activeServicesCount: services.length,
      statistics: [],
      tags: includeTags ? (this.tags.get(cluster.arn) ?? []) : undefined,
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: []
    })
  }

  // ---- task definitions ------------------------------------------------------------------------------------

  registerTaskDefinition(params: Json): TaskDefinition {
    const family = asString(params.family, 'family', true)
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(family))
      throw new AwsError(
        'ClientException',
        'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.'
      )
    // ECS measures the request itself, before anything else about it.
    const length = Buffer.byteLength(JSON.stringify(params))
    if (length > TASK_DEFINITION_MAX_BYTES)
      throw new AwsError(
        'ClientException',
        `Actual length: '${length}'. Max allowed length is '${TASK_DEFINITION_MAX_BYTES}' bytes.`
      )
    const containers = asArray(params.containerDefinitions, 'containerDefinitions')
    if (containers.length === 0) throw invalidParameter('Container list cannot be empty.')
    if (containers.length > CONTAINERS_MAX) throw new AwsError('ClientException', 'Too many containers.')
    const networkMode = asString(params.networkMode, 'networkMode')
    const requires = asStringArray(params.requiresCompatibilities, 'requiresCompatibilities')
    if (requires.includes('FARGATE')) {
      if (networkMode !== 'awsvpc')
        throw new AwsError('ClientException', 'Fargate only supports network mode ‘awsvpc’.')
      if (params.cpu === undefined)
        throw new AwsError('ClientException', "Fargate requires that 'cpu' be defined at the task level.")
    }
    const names = new Set<string>()
    const containerDefinitions = containers.map((value, i) => {
      const c = asObject(value, `containerDefinitions[${i}]`) ?? {}
      const name = asString(c.name, `containerDefinitions[${i}].name`)
      const image = asString(c.image, `containerDefinitions[${i}].image`)
      if (!name) throw new AwsError('ClientException', 'Container.name should not be null or empty.')
      if (!image) throw new AwsError('ClientException', 'Container.image should not be null or empty.')
      if (names.has(name)) throw new AwsError('ClientException', 'Duplicate container names are not allowed.')
      names.add(name)
      if (image.length > 255)
        throw new AwsError('ClientException', 'Container.image should be 255 characters or less')
      if (!IMAGE_CHARACTERS.test(image))
        throw new AwsError('ClientException', 'Container.image contains invalid characters.')
      const portMappings = asArray(c.portMappings, 'portMappings').map(p => {
        const mapping = { ...(asObject(p, 'portMapping') ?? {}) }
        if (networkMode === 'awsvpc' && mapping.hostPort === undefined)
          mapping.hostPort = mapping.containerPort
        mapping.protocol ??= 'tcp'
        return mapping
      })
      return {
        cpu: 0,
        ...clone(c),
        portMappings,
        essential: c.essential ?? true,
        environment: c.environment ?? [],
        mountPoints: c.mountPoints ?? [],
        volumesFrom: c.volumesFrom ?? [],
        systemControls: c.systemControls ?? []
      }
    })
    for (const c of containerDefinitions)
      for (const dependency of asArray((c as Json).dependsOn, 'dependsOn')) {
        const target = asString(asObject(dependency, 'dependsOn')?.containerName, 'containerName')
        // The stray ` + ` is in ECS's own message.
        if (target !== undefined && !names.has(target))
          throw new AwsError(
            'ClientException',
            `Cannot depend on container + '${target}' because it does not exist`
          )
      }
    const list = this.families.get(family) ?? []
    const revision = list.length + 1
    const body: Json = { ...clone(params), containerDefinitions, family }
    delete body.tags
    body.volumes ??= []
    body.placementConstraints ??= []
    if (networkMode === undefined && !requires.includes('FARGATE')) body.networkMode = 'bridge'
    body.compatibilities = requires.includes('FARGATE') ? ['EC2', 'FARGATE'] : ['EC2']
    body.requiresAttributes = []
    const td: TaskDefinition = {
      arn: this.world.arn('ecs', `task-definition/${family}:${revision}`),
      family,
      revision,
      status: 'ACTIVE',
      registeredAt: this.world.now(),
      body
    }
    list.push(td)
    this.families.set(family, list)
    const tags = asArray(params.tags, 'tags') as Tag[]
    if (tags.length > 0) this.tags.set(td.arn, clone(tags))
    return td
  }

  describeTaskDefinition(td: TaskDefinition): Json {
    return compact({
      ...clone(td.body),
      taskDefinitionArn: td.arn,
      family: td.family,
      revision: td.revision,
      status: td.status,
      registeredAt: seconds(td.registeredAt),
      deregisteredAt: seconds(td.deregisteredAt),
      registeredBy: `arn:aws:iam::${this.world.accountId}:root`
    })
  }

  // ---- services --------------------------------------------------------------------------------------------

  createService(params: Json): Service {
    const cluster = this.cluster(params.cluster)
    const name = asString(params.serviceName, 'serviceName', true)
    const key = `${cluster.name}/${name}`
    const existing = this.services.get(key)
    // As ECS: the same client token with the same request returns the service it created; the same token
    // with another request, or another create of an existing service, is refused.
    const token = asString(params.clientToken, 'clientToken')
    if (token !== undefined && !/^[\x21-\x7e]{1,36}$/.test(token))
      throw invalidParameter('clientToken must be 1 to 36 ASCII characters in the range 33-126.')
    const tokenKey = `${cluster.name}/${token ?? ''}`
    const request = canonicalJson(params)
    const earlier = token === undefined ? undefined : this.clientTokens.get(tokenKey)
    if (earlier !== undefined) {
      if (earlier.key !== key || earlier.request !== request)
        throw invalidParameter('Creation of service was not idempotent.')
      if (existing && existing.status !== 'INACTIVE') return existing
    }
    if (existing && existing.status !== 'INACTIVE')
      throw invalidParameter('Creation of service was not idempotent.')
    const controller = (asObject(params.deploymentController, 'deploymentController') ?? { type: 'ECS' }) as {
      type: string
    }
    const tdRef = asString(params.taskDefinition, 'taskDefinition')
    if (tdRef === undefined && controller.type !== 'EXTERNAL')
      throw invalidParameter('TaskDefinition must be specified.')
    const td = tdRef === undefined ? undefined : this.taskDefinition(tdRef)
    if (td && td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive')
    const desiredCount = asNumber(params.desiredCount, 'desiredCount') ?? 0
    if (desiredCount < 0) throw invalidParameter('Desired count must be 0 or more.')
    if (td?.body.networkMode === 'awsvpc' && params.networkConfiguration === undefined)
      throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    if (params.launchType !== undefined && params.capacityProviderStrategy !== undefined)
      throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.')
    if (td) this.checkServiceAgainst(td, params)
    const deploymentConfiguration = this.deploymentConfiguration(
      asObject(params.deploymentConfiguration, 'deploymentConfiguration')
    )
    checkStrategy(
      deploymentConfiguration,
      asArray(params.loadBalancers, 'loadBalancers') as Json[],
      controller.type
    )
    const now = this.world.now()
    const settings: Json = {}
    for (const k of SERVICE_SETTINGS) if (params[k] !== undefined) settings[k] = clone(params[k])
    settings.schedulingStrategy ??= 'REPLICA'
    settings.enableECSManagedTags ??= false
    settings.propagateTags ??= 'NONE'
    settings.enableExecuteCommand ??= false
    settings.loadBalancers ??= []
    settings.serviceRegistries ??= []
    settings.placementConstraints ??= []
    settings.placementStrategy ??= []
    if (settings.launchType === undefined && settings.capacityProviderStrategy === undefined)
      settings.launchType = 'EC2'
    if (settings.launchType === 'FARGATE') settings.platformVersion ??= 'LATEST'
    if (settings.role !== undefined) {
      settings.roleArn = settings.role
      delete settings.role
    }
    const service: Service = {
      key,
      name,
      arn: this.world.arn('ecs', `service/${cluster.name}/${name}`),
      cluster,
      status: 'ACTIVE',
      taskDefinition: td?.arn ?? '',
      desiredCount,
      createdAt: now,
      createdBy: `arn:aws:iam::${this.world.accountId}:root`,
      deploymentController: controller,
      deploymentConfiguration,
      deployments: [],
      events: [],
      settings,
      steady: false
    }
    this.services.set(key, service)
    const tags = asArray(params.tags, 'tags') as Tag[]
    if (tags.length > 0) this.tags.set(service.arn, clone(tags))
    if (td) this.startDeployment(service, td.arn, now, { reason: 'create' })
    if (token !== undefined) this.clientTokens.set(tokenKey, { key, request })
    return service
  }

  /**
   * What CreateService and UpdateService refuse when the service does not fit its task definition: load
   * balancer and service registry containers and ports, Service Connect port names, volume configurations.
   */
  checkServiceAgainst(td: TaskDefinition, settings: Json): void {
    const containers = asArray(td.body.containerDefinitions, 'containerDefinitions') as Json[]
    const container = (name: string) => containers.find(c => c.name === name)
    const ports = (c: Json) => asArray(c.portMappings, 'portMappings') as Json[]
    const targets = [
      ...(asArray(settings.loadBalancers, 'loadBalancers') as Json[]),
      ...(asArray(settings.serviceRegistries, 'serviceRegistries') as Json[])
    ]
    for (const target of targets) {
      const name = asString(target.containerName, 'containerName')
      if (name === undefined) continue
      const c = container(name)
      if (!c) throw invalidParameter(`The container ${name} does not exist in the task definition.`)
      const port = asNumber(target.containerPort, 'containerPort')
      if (port !== undefined && !ports(c).some(p => p.containerPort === port))
        throw invalidParameter(`The container ${name} did not have a container port ${port} defined.`)
    }
    const connect = asObject(settings.serviceConnectConfiguration, 'serviceConnectConfiguration')
    if (connect && connect.enabled !== false) {
      const names = containers.flatMap(c => ports(c).map(p => p.name))
      for (const s of asArray(connect.services, 'services') as Json[]) {
        const portName = asString(s.portName, 'portName')
        if (portName !== undefined && !names.includes(portName))
          throw invalidParameter(
            `The port name ${portName} specified in the Service Connect configuration does not exist in the task definition.`
          )
      }
    }
    const volumes = asArray(td.body.volumes, 'volumes') as Json[]
    for (const v of asArray(settings.volumeConfigurations, 'volumeConfigurations') as Json[]) {
      const match = volumes.find(volume => volume.name === v.name && volume.configuredAtLaunch === true)
      if (!match)
        throw invalidParameter(
          'Volume configuration provided but no matching configuredAtLaunch volume found in task definition.'
        )
    }
  }

  deploymentConfiguration(given: Json | undefined, base?: Json): Json {
    const merged: Json = { ...(base ?? {}), ...clone(given ?? {}) }
    merged.deploymentCircuitBreaker ??= { enable: false, rollback: false }
    merged.maximumPercent ??= 200
    merged.minimumHealthyPercent ??= 100
    return merged
  }

  updateService(params: Json): Service {
    const service = this.service(params.cluster, params.service)
    if (service.status !== 'ACTIVE')
      throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
    const now = this.world.now()
    const codeDeploy = service.deploymentController.type === 'CODE_DEPLOY'
    let redeploy = params.forceNewDeployment === true
    let taskDefinition = service.taskDefinition
    const tdRef = asString(params.taskDefinition, 'taskDefinition')
    if (tdRef !== undefined) {
      const td = this.taskDefinition(tdRef)
      if (td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive')
      if (td.arn !== service.taskDefinition) {
        if (codeDeploy)
          throw invalidParameter(
            'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'
          )
        taskDefinition = td.arn
        redeploy = true
      }
    }
    // Validate everything first: a refused call changes nothing.
    const settings: [string, unknown][] = []
    for (const k of SERVICE_SETTINGS) {
      if (params[k] === undefined) continue
      const key = k === 'role' ? 'roleArn' : k
      const changed = JSON.stringify(service.settings[key]) !== JSON.stringify(params[k])
      if (changed && DEPLOYMENT_SETTINGS.has(k)) {
        if (codeDeploy)
          throw invalidParameter(
            `Unable to update ${k} on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.`
          )
        redeploy = true
      }
      settings.push([key, clone(params[k])])
    }
    // The new revision is checked against the service as it will be: given fields, else the live ones.
    const effective: Json = { ...service.settings }
    for (const k of SERVICE_SETTINGS) if (params[k] !== undefined) effective[k] = params[k]
    const target = this.findTaskDefinition(taskDefinition)
    if (target && !codeDeploy) this.checkServiceAgainst(target, effective)
    const dc = asObject(params.deploymentConfiguration, 'deploymentConfiguration')
    checkStrategy(
      this.deploymentConfiguration(dc, service.deploymentConfiguration),
      asArray(effective.loadBalancers, 'loadBalancers') as Json[],
      service.deploymentController.type
    )
    const desired = asNumber(params.desiredCount, 'desiredCount')
    if (desired !== undefined && desired < 0) throw invalidParameter('Desired count must be 0 or more.')
    if (redeploy && codeDeploy)
      throw invalidParameter(
        'Unable to force a new deployment on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'
      )
    if (redeploy && service.deployments.length >= 5)
      throw invalidParameter('5 active deployments exist, unable to create new deployment.')
    for (const [key, value] of settings) service.settings[key] = value
    if (dc !== undefined)
      service.deploymentConfiguration = this.deploymentConfiguration(dc, service.deploymentConfiguration)
    if (desired !== undefined) {
      if (desired !== service.desiredCount) service.steady = false
      service.desiredCount = desired
    }
    if (redeploy) this.startDeployment(service, taskDefinition, now, { reason: 'update' })
    return service
  }

  revision(service: Service, taskDefinition: string, at: number): ServiceRevision {
    const revision: ServiceRevision = {
      arn: this.world.arn(
        'ecs',
        `service-revision/${service.cluster.name}/${service.name}/${this.world.rng.digits(19)}`
      ),
      serviceArn: service.arn,
      clusterArn: service.cluster.arn,
      taskDefinition,
      createdAt: at,
      settings: clone(service.settings)
    }
    this.revisions.set(revision.arn, revision)
    return revision
  }

  /** A new PRIMARY deployment; the previous ones turn ACTIVE and drain. */
  startDeployment(
    service: Service,
    taskDefinition: string,
    at: number,
    how:
      { reason: 'create' | 'update' } | { reason: 'rollback'; record: ServiceDeploymentRecord; from: string }
  ): Deployment {
    const id = this.deploymentId()
    const revision = this.revision(service, taskDefinition, at)
    let record: ServiceDeploymentRecord
    if (how.reason === 'rollback') {
      record = how.record
    } else {
      for (const old of service.deployments) {
        const oldRecord = this.serviceDeployments.get(old.serviceDeploymentArn)
        if (oldRecord && (oldRecord.status === 'IN_PROGRESS' || oldRecord.status === 'PENDING')) {
          oldRecord.status = 'STOPPED'
          oldRecord.statusReason = 'Service deployment was superseded by a newer deployment.'
          oldRecord.stoppedAt = at
          oldRecord.updatedAt = at
        }
      }
      const desired = service.desiredCount
      record = {
        arn: this.world.arn(
          'ecs',
          `service-deployment/${service.cluster.name}/${service.name}/${this.world.rng.alnumUpper(22).toLowerCase()}`
        ),
        serviceKey: service.key,
        serviceArn: service.arn,
        clusterArn: service.cluster.arn,
        createdAt: at,
        startedAt: at,
        updatedAt: at,
        sourceRevisionArns: [...new Set(service.deployments.map(d => d.serviceRevisionArn))],
        targetRevisionArn: revision.arn,
        status: 'IN_PROGRESS',
        deploymentConfiguration: clone(service.deploymentConfiguration),
        circuitBreaker: {
          status: this.circuitBreaker(service).enable ? 'MONITORING' : 'DISABLED',
          failureCount: 0,
          threshold: failureThreshold(desired)
        }
      }
      this.serviceDeployments.set(record.arn, record)
      startNative(this, service, record, at, service.deployments.length)
    }
    for (const old of service.deployments) old.status = 'ACTIVE'
    const deployment: Deployment = {
      id,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: service.desiredCount,
      failedTasks: 0,
      createdAt: at,
      updatedAt: at,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason:
        how.reason === 'rollback'
          ? `ECS deployment circuit breaker: rolling back to deploymentId ${how.from}.`
          : `ECS deployment ${id} in progress.`,
      serviceRevisionArn: revision.arn,
      serviceDeploymentArn: record.arn,
      halted: false
    }
    for (const k of [
      'launchType',
      'capacityProviderStrategy',
      'platformVersion',
      'networkConfiguration',
      'serviceConnectConfiguration',
      'volumeConfigurations'
    ] as const)
      if (service.settings[k] !== undefined) deployment[k] = clone(service.settings[k]) as never
    if (service.settings.launchType === 'FARGATE') deployment.platformFamily = 'Linux'
    if (service.deploymentController.type === 'CODE_DEPLOY') {
      deployment.taskSet = {
        arn: this.world.arn('ecs', `task-set/${service.cluster.name}/${service.name}/${id}`),
        scale: 100,
        startedBy: 'CodeDeploy',
        productionWeight: 100,
        testWeight: 100
      }
      delete deployment.rolloutState
      delete deployment.rolloutStateReason
    }
    service.deployments.unshift(deployment)
    service.taskDefinition = taskDefinition
    service.steady = false
    return deployment
  }

  circuitBreaker(service: Service): { enable: boolean; rollback: boolean } {
    const cb = (service.deploymentConfiguration.deploymentCircuitBreaker ?? {}) as Json
    return { enable: cb.enable === true, rollback: cb.rollback === true }
  }

  deleteService(params: Json): Service {
    const service = this.service(params.cluster, params.service)
    const force = params.force === true
    if (service.desiredCount > 0 && !force && service.settings.schedulingStrategy !== 'DAEMON')
      throw invalidParameter('The service cannot be stopped while it is scaled above 0.')
    service.status = 'DRAINING'
    service.desiredCount = 0
    for (const task of this.tasksOf(service))
      if (task.desiredStatus === 'RUNNING')
        this.stopTask(
          task,
          'ServiceSchedulerInitiated',
          'Scaling activity initiated by (deployment ' + (task.deploymentId ?? '') + ')'
        )
    return service
  }

  describeService(service: Service, includeTags: boolean): Json {
    const tasks = this.tasksOf(service)
    const counts = (filter: (t: TaskState) => boolean) => {
      const alive = tasks.filter(t => t.desiredStatus === 'RUNNING' && filter(t))
      return {
        running: alive.filter(t => t.lastStatus === 'RUNNING').length,
        pending: alive.filter(t => t.lastStatus !== 'RUNNING').length
      }
    }
    const all = counts(() => true)
    const codeDeploy = service.deploymentController.type === 'CODE_DEPLOY'
    const deployments = service.deployments.map(d => {
      const c = counts(t => t.deploymentId === d.id)
      return compact({
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinition,
        desiredCount: d.taskSet ? Math.ceil((service.desiredCount * d.taskSet.scale) / 100) : d.desiredCount,
        pendingCount: c.pending,
        runningCount: c.running,
        failedTasks: d.failedTasks,
        createdAt: seconds(d.createdAt),
        updatedAt: seconds(d.updatedAt),
        capacityProviderStrategy: d.capacityProviderStrategy,
        launchType: d.launchType,
        platformVersion: d.platformVersion,
        platformFamily: d.platformFamily,
        networkConfiguration: d.networkConfiguration,
        serviceConnectConfiguration: d.serviceConnectConfiguration,
        volumeConfigurations: d.volumeConfigurations,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason
      })
    })
    const taskSets = codeDeploy
      ? service.deployments.map(d => {
          const c = counts(t => t.deploymentId === d.id)
          const ts = d.taskSet!
          const desired = Math.ceil((service.desiredCount * ts.scale) / 100)
          return compact({
            id: d.id,
            taskSetArn: ts.arn,
            serviceArn: service.arn,
            clusterArn: service.cluster.arn,
            startedBy: ts.startedBy,
            externalId: ts.externalId,
            status: d.status,
            taskDefinition: d.taskDefinition,
            computedDesiredCount: desired,
            pendingCount: c.pending,
            runningCount: c.running,
            createdAt: seconds(d.createdAt),
            updatedAt: seconds(d.updatedAt),
            launchType: d.launchType,
            capacityProviderStrategy: d.capacityProviderStrategy,
            platformVersion: d.platformVersion,
            platformFamily: d.platformFamily,
            networkConfiguration: d.networkConfiguration,
            loadBalancers: service.settings.loadBalancers,
            serviceRegistries: service.settings.serviceRegistries,
            scale: { value: ts.scale, unit: 'PERCENT' },
            stabilityStatus: c.running === desired && c.pending === 0 ? 'STEADY_STATE' : 'STABILIZING',
            stabilityStatusAt: seconds(d.updatedAt)
          })
        })
      : undefined
    const s = service.settings
    return compact({
      serviceArn: service.arn,
      serviceName: service.name,
      clusterArn: service.cluster.arn,
      loadBalancers: s.loadBalancers,
      serviceRegistries: s.serviceRegistries,
      status: service.status,
      desiredCount: service.desiredCount,
      runningCount: all.running,
      pendingCount: all.pending,
      launchType: s.launchType,
      capacityProviderStrategy: s.capacityProviderStrategy,
      platformVersion: s.platformVersion,
      platformFamily: s.launchType === 'FARGATE' ? 'Linux' : undefined,
      taskDefinition: service.taskDefinition || undefined,
      deploymentConfiguration: clone(service.deploymentConfiguration),
      taskSets,
      deployments,
      // The API reference's Service.currentServiceDeployment: the ARN of the current service deployment.
      currentServiceDeployment:
        service.deployments.find(d => d.status === 'PRIMARY')?.serviceDeploymentArn || undefined,
      roleArn: s.roleArn,
      events: service.events.map(e => ({ id: e.id, createdAt: seconds(e.createdAt), message: e.message })),
      createdAt: seconds(service.createdAt),
      placementConstraints: s.placementConstraints,
      placementStrategy: s.placementStrategy,
      networkConfiguration: s.networkConfiguration,
      healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
      schedulingStrategy: s.schedulingStrategy,
      deploymentController: clone(service.deploymentController),
      tags: includeTags ? clone(this.tags.get(service.arn) ?? []) : undefined,
      createdBy: service.createdBy,
      enableECSManagedTags: s.enableECSManagedTags,
      propagateTags: s.propagateTags,
      enableExecuteCommand: s.enableExecuteCommand,
      availabilityZoneRebalancing: s.availabilityZoneRebalancing
    })
  }

  // ---- tasks -----------------------------------------------------------------------------------------------

  /** Creates a task in PROVISIONING; the scheduler moves it on. */
  launchTask(
    cluster: Cluster,
    td: TaskDefinition,
    at: number,
    options: {
      group: string
      startedBy?: string | undefined
      service?: Service
      deploymentId?: string
      launchType?: string | undefined
      overrides?: Json | undefined
      enableExecuteCommand?: boolean | undefined
      tags?: Tag[]
    }
  ): TaskState {
    const rng = this.world.rng
    const id = rng.hex(32)
    const arn = this.world.arn('ecs', `task/${cluster.name}/${id}`)
    const start = this.scenario.startSeconds * 1000
    const containers: ContainerState[] = (td.body.containerDefinitions as Json[]).map(c => ({
      name: String(c.name),
      image: String(c.image),
      arn: this.world.arn('ecs', `container/${cluster.name}/${id}/${rng.uuid()}`),
      runtimeId: `${id}-${rng.digits(10)}`,
      lastStatus: 'PENDING',
      essential: c.essential !== false,
      cpu: text(c.cpu ?? 0),
      ...(c.memory !== undefined ? { memory: text(c.memory) } : {}),
      ...awslogsOf(c, id)
    }))
    const failed = this.scenario.failureFor(this.matchTarget(td, options.service?.name))
    const task: TaskState = {
      arn,
      id,
      cluster,
      taskDefinitionArn: td.arn,
      group: options.group,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: at,
      pendingAt: at + Math.min(1000, start / 2),
      runAt: at + start,
      failed: false,
      containers,
      overrides: options.overrides ?? { containerOverrides: [], inferenceAcceleratorOverrides: [] },
      enableExecuteCommand: options.enableExecuteCommand ?? false,
      version: 1,
      availabilityZone: `${this.world.region}${'abc'[rng.int(3)]}`
    }
    const script = this.scenario.scriptFor(this.matchTarget(td, options.service?.name))
    if (script) task.script = script
    if (options.startedBy !== undefined) task.startedBy = options.startedBy
    if (options.service) task.serviceKey = options.service.key
    if (options.deploymentId !== undefined) task.deploymentId = options.deploymentId
    if (options.launchType !== undefined) task.launchType = options.launchType
    if (task.launchType === 'FARGATE') task.platformVersion = '1.4.0'
    if (td.body.cpu !== undefined) task.cpu = text(td.body.cpu)
    if (td.body.memory !== undefined) task.memory = text(td.body.memory)
    // ECS registers any image made of its characters; one that is not a reference fails when pulled.
    const unparsable = containers.find(c => !pullableReference(c.image))
    if (unparsable && !failed) {
      task.failure = {
        kind: 'cannot-pull',
        message: `CannotPullContainerError: failed to parse image reference "${unparsable.image}": invalid reference format`
      }
      task.failingContainer = unparsable.name
    }
    if (failed) {
      task.failure = failed.how
      const named = failed.how.kind === 'unhealthy' ? undefined : failed.how.container
      const want = failed.image
      const byImage =
        failed.how.kind === 'cannot-pull' && want !== undefined
          ? containers.find(c => (typeof want === 'string' ? c.image === want : want.test(c.image)))
          : undefined
      const essential = containers.find(c => c.essential)
      const failing =
        named ??
        (failed.how.kind === 'cannot-pull' ? (byImage ?? containers[0]) : (essential ?? containers[0]))?.name
      if (failing !== undefined) task.failingContainer = failing
    }
    this.tasks.set(arn, task)
    if (options.tags && options.tags.length > 0) this.tags.set(arn, clone(options.tags))
    return task
  }

  /** Asks a task to stop; it reaches STOPPED after the scenario's stop time. */
  stopTask(task: TaskState, stopCode: string, reason: string, at = this.world.now(), failed = false): void {
    if (task.desiredStatus === 'STOPPED') return
    task.desiredStatus = 'STOPPED'
    task.stopCode = stopCode
    task.stoppedReason = reason
    task.failed = failed
    task.stoppingAt = at
    const running = task.lastStatus === 'RUNNING'
    task.stopAt = at + (running ? this.scenario.stopSeconds * 1000 : 1000)
    task.lastStatus = running ? 'DEACTIVATING' : 'STOPPING'
    task.version++
  }

  describeTask(task: TaskState, includeTags: boolean): Json {
    const td = this.findTaskDefinition(task.taskDefinitionArn)
    const stopped = task.lastStatus === 'STOPPED'
    return compact({
      attachments: [],
      attributes: [],
      availabilityZone: task.availabilityZone,
      clusterArn: task.cluster.arn,
      connectivity: task.connectivityAt !== undefined ? 'CONNECTED' : undefined,
      connectivityAt: seconds(task.connectivityAt),
      containers: task.containers.map(c =>
        compact({
          containerArn: c.arn,
          taskArn: task.arn,
          name: c.name,
          image: c.image,
          runtimeId: task.startedAt !== undefined ? c.runtimeId : undefined,
          lastStatus: c.lastStatus,
          exitCode: c.exitCode,
          reason: c.reason,
          networkBindings: [],
          networkInterfaces: [],
          healthStatus: 'UNKNOWN',
          cpu: c.cpu,
          memory: c.memory
        })
      ),
      cpu: task.cpu,
      createdAt: seconds(task.createdAt),
      desiredStatus: task.desiredStatus,
      enableExecuteCommand: task.enableExecuteCommand,
      executionStoppedAt: stopped ? seconds(task.stoppedAt) : undefined,
      group: task.group,
      healthStatus: 'UNKNOWN',
      lastStatus: task.lastStatus,
      launchType: task.launchType,
      memory: task.memory,
      overrides: clone(task.overrides),
      platformVersion: task.platformVersion,
      platformFamily: task.launchType === 'FARGATE' ? 'Linux' : undefined,
      pullStartedAt: seconds(task.pullStartedAt),
      pullStoppedAt: seconds(task.pullStoppedAt),
      startedAt: seconds(task.startedAt),
      startedBy: task.startedBy,
      stopCode: task.stopCode,
      stoppedAt: stopped ? seconds(task.stoppedAt) : undefined,
      stoppedReason: task.stoppedReason,
      stoppingAt: seconds(task.stoppingAt),
      tags: includeTags ? clone(this.tags.get(task.arn) ?? []) : undefined,
      taskArn: task.arn,
      taskDefinitionArn: td?.arn ?? task.taskDefinitionArn,
      version: task.version
    })
  }

  // ---- service deployments -----------------------------------------------------------------------------

  revisionSummary(arn: string): Json {
    const service = [...this.services.values()].find(s =>
      s.deployments.some(d => d.serviceRevisionArn === arn)
    )
    const deployment = service?.deployments.find(d => d.serviceRevisionArn === arn)
    let running = 0
    let pending = 0
    if (service && deployment)
      for (const t of this.tasksOf(service)) {
        if (t.deploymentId !== deployment.id || t.desiredStatus !== 'RUNNING') continue
        if (t.lastStatus === 'RUNNING') running++
        else pending++
      }
    return {
      arn,
      requestedTaskCount:
        deployment && service ? (deployment.status === 'PRIMARY' ? service.desiredCount : 0) : 0,
      runningTaskCount: running,
      pendingTaskCount: pending
    }
  }

  describeServiceDeployment(record: ServiceDeploymentRecord): Json {
    return compact({
      serviceDeploymentArn: record.arn,
      serviceArn: record.serviceArn,
      clusterArn: record.clusterArn,
      createdAt: seconds(record.createdAt),
      startedAt: seconds(record.startedAt),
      finishedAt: seconds(record.finishedAt),
      stoppedAt: seconds(record.stoppedAt),
      updatedAt: seconds(record.updatedAt),
      sourceServiceRevisions: record.sourceRevisionArns.map(arn => this.revisionSummary(arn)),
      targetServiceRevision: this.revisionSummary(record.targetRevisionArn),
      status: record.status,
      statusReason: record.statusReason,
      deploymentConfiguration: clone(record.deploymentConfiguration),
      rollback: record.rollback
        ? {
            reason: record.rollback.reason,
            startedAt: seconds(record.rollback.startedAt),
            serviceRevisionArn: record.rollback.serviceRevisionArn
          }
        : undefined,
      deploymentCircuitBreaker: clone(record.circuitBreaker),
      ...describeNative(record)
    })
  }

  // ---- tags ----------------------------------------------------------------------------------------------

  resourceExists(arn: string): boolean {
    if (this.tags.has(arn) || this.tasks.has(arn)) return true
    for (const c of this.clusters.values()) if (c.arn === arn) return true
    for (const s of this.services.values()) if (s.arn === arn && s.status !== 'INACTIVE') return true
    if (arn.includes(':task-definition/')) return this.findTaskDefinition(arn) !== undefined
    return false
  }
}

/**
 * Where the awslogs driver sends a container's output: `awslogs-group`, and the stream
 * `prefix/container/taskId` (without a prefix, the container's id, as Docker names it).
 */
function awslogsOf(container: Json, taskId: string): { log?: NonNullable<ContainerState['log']> } {
  const config = asObject(container.logConfiguration, 'logConfiguration')
  if (config?.logDriver !== 'awslogs') return {}
  const options = (asObject(config.options, 'options') ?? {}) as Record<string, unknown>
  const group = text(options['awslogs-group'])
  if (group === '') return {}
  const prefix = text(options['awslogs-stream-prefix'])
  const stream = prefix === '' ? taskId : `${prefix}/${text(container.name)}/${taskId}`
  return { log: { group, stream, createGroup: text(options['awslogs-create-group']) === 'true' } }
}

/** The circuit breaker's failure threshold as AWS documents it. */
export function failureThreshold(desired: number): number {
  return Math.max(3, Math.min(200, Math.ceil(desired * 0.5)))
}

/** JSON with object keys sorted, so two requests that say the same thing compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v
  )
}

/**
 * Whether the container runtime can parse `image` as a reference: [host[:port]/]path[:tag][@algorithm:hex],
 * with lowercase path components joined by '.', '_', '__' or dashes, and a tag of word characters, '.' and '-'.
 */
function pullableReference(image: string): boolean {
  const at = image.indexOf('@')
  const named = at < 0 ? image : image.slice(0, at)
  if (
    at >= 0 &&
    !/^(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/.test(image.slice(at + 1))
  )
    return false
  const slash = named.lastIndexOf('/')
  const colon = named.indexOf(':', slash + 1)
  if (colon >= 0 && !/^\w[\w.-]{0,127}$/.test(named.slice(colon + 1))) return false
  const parts = (colon < 0 ? named : named.slice(0, colon)).split('/')
  const first = parts[0] ?? ''
  const hasHost = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost')
  if (hasHost && !/^[A-Za-z0-9.-]+(:\d+)?$/.test(first)) return false
  const path = hasHost ? parts.slice(1) : parts
  return path.every(part => /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/.test(part))
}
