/**
 * Brings a local definition and the live one to the same shape before they are compared, so a diff shows only
 * changes a deploy would make: keys the API fills in or keeps for itself go, defaults the API returns but a
 * file omits are filled on both sides, and lists whose order means nothing are sorted. The rules follow
 * ecspresso's diff (sortTaskDefinition, ServiceDefinitionForDiff).
 */
import { DEPLOY_ID_TAG } from '../contract.js'
import { taskSizeValue } from '../definitions/task-size.js'
import { desiredService } from '../ecs/desired-state.js'
import {
  asArray,
  asObject,
  field,
  isObject,
  pruneEmpty,
  sortBy,
  toJson,
  type Json,
  type JsonObject
} from './json.js'

export interface NormalizeOptions {
  /** Tag keys managed elsewhere (config `ignore.tags`): removed from both sides. */
  readonly ignoreTags?: readonly string[] | undefined
}

export interface ServiceNormalizeOptions extends NormalizeOptions {
  /** CODE_DEPLOY swaps the load balancer's target group on every deployment: don't compare it. */
  readonly codeDeploy?: boolean | undefined
}

/** Keys DescribeTaskDefinition returns that a registration cannot set. */
const TASK_DEFINITION_SERVER_KEYS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt'
]

/** Keys of a described service (or of a service definition file) that are state, identity or create-only names. */
const SERVICE_SKIPPED_KEYS = [
  'cluster',
  'clusterArn',
  'serviceName',
  'serviceArn',
  'taskDefinition',
  'status',
  'runningCount',
  'pendingCount',
  'deployments',
  'events',
  'createdAt',
  'createdBy',
  'taskSets',
  'role',
  'roleArn',
  'clientToken',
  'currentServiceDeployment',
  'currentServiceRevisions',
  'resourceManagementType'
]

/** A task definition, local or described, as JSON ready to diff. */
export function normalizeTaskDefinition(input: unknown, options: NormalizeOptions = {}): JsonObject {
  const td = asObject(toJson(input)) ?? {}
  for (const key of TASK_DEFINITION_SERVER_KEYS) delete td[key]

  if (td.cpu !== undefined) td.cpu = taskSize(td.cpu, 'cpu')
  if (td.memory !== undefined) td.memory = taskSize(td.memory, 'memory')
  td.networkMode ??= 'bridge'
  if (td.enableFaultInjection === false) delete td.enableFaultInjection

  const networkMode = typeof td.networkMode === 'string' ? td.networkMode : 'bridge'
  const containers = asArray(td.containerDefinitions) ?? []
  for (const container of containers) if (isObject(container)) normalizeContainer(container, networkMode)
  sortBy(containers, item => field(item, 'name'))

  sortBy(asArray(td.volumes), item => field(item, 'name'))
  sortBy(asArray(td.placementConstraints))
  sortBy(asArray(td.requiresCompatibilities))
  sortBy(asArray(td.inferenceAccelerators), item => field(item, 'deviceName'))
  sortBy(asArray(asObject(td.proxyConfiguration)?.properties), item => field(item, 'name'))
  setTags(td, options.ignoreTags)

  return (pruneEmpty(td) as JsonObject | undefined) ?? {}
}

function normalizeContainer(container: JsonObject, networkMode: string): void {
  container.essential ??= true
  for (const key of ['cpu', 'memory', 'memoryReservation', 'startTimeout', 'stopTimeout']) {
    const value = container[key]
    if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) container[key] = Number(value)
  }
  if (container.cpu === 0) delete container.cpu
  if (container.versionConsistency === 'enabled') delete container.versionConsistency

  const ports = asArray(container.portMappings)
  for (const port of ports ?? []) {
    if (!isObject(port)) continue
    for (const key of ['containerPort', 'hostPort']) {
      const value = port[key]
      if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) port[key] = Number(value)
    }
    port.protocol ??= 'tcp'
    // Under awsvpc and host networking the host port is the container port; the API reports it.
    if (
      (networkMode === 'awsvpc' || networkMode === 'host') &&
      port.hostPort === undefined &&
      !port.containerPortRange
    ) {
      if (port.containerPort !== undefined) port.hostPort = port.containerPort
    }
  }
  sortBy(ports)

  for (const mount of asArray(container.mountPoints) ?? []) {
    if (isObject(mount) && mount.readOnly === false) delete mount.readOnly
  }
  for (const from of asArray(container.volumesFrom) ?? []) {
    if (isObject(from) && from.readOnly === false) delete from.readOnly
  }
  sortBy(asArray(container.environment), item => field(item, 'name'))
  sortBy(asArray(container.secrets), item => field(item, 'name'))
  sortBy(asArray(container.mountPoints))
  sortBy(asArray(container.volumesFrom))
  sortBy(asArray(container.ulimits), item => field(item, 'name'))
  sortBy(asArray(container.extraHosts), item => field(item, 'hostname'))
  sortBy(asArray(container.systemControls), item => field(item, 'namespace'))
  sortBy(asArray(container.dependsOn), item => field(item, 'containerName'))
  sortBy(asArray(container.resourceRequirements), item => field(item, 'type'))
}

/**
 * Task-level cpu and memory as the API reports them: a string of the number of CPU units or MiB
 * (`"0.25 vCPU"` and `".25 vcpu"` → `"256"`, `"1 GB"` → `"1024"`, `512` → `"512"`), read as a deploy registers
 * them (definitions/task-size.ts). A value that is no size stays as it is.
 */
export function taskSize(value: Json, kind: 'cpu' | 'memory'): Json {
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string') return value
  return taskSizeValue(value, kind)
}

/** Drops ignored tag keys and sorts the rest by key. */
function setTags(target: JsonObject, ignore: readonly string[] | undefined): void {
  const list = asArray(target.tags)
  if (list === undefined) return
  // The deploy-id tag differs on every registration by design; it is not a change anyone made.
  // aws: keys are AWS's own (CloudFormation's stack name, …): no deploy can set or remove them.
  const kept = list.filter(tag => {
    const key = field(tag, 'key')
    return key !== DEPLOY_ID_TAG && !key.startsWith('aws:') && !(ignore ?? []).includes(key)
  })
  sortBy(kept, item => field(item, 'key'))
  target.tags = kept
}

/**
 * A service definition file and a described service, both normalized. The file is the desired state as a
 * deploy applies it: a key it omits that the deploy still sends (booleans off, load balancers cleared, tags
 * synced: desired-state.ts) is compared as that value; any other omitted key is not compared, since the deploy
 * leaves it alone (e.g. `desiredCount` left to auto scaling). Defaults are filled on both sides, so a key set
 * to its default equals an unset one. `live` undefined means the service does not exist yet.
 */
export function normalizeServicePair(
  local: unknown,
  live: unknown,
  options: ServiceNormalizeOptions = {}
): { local: JsonObject; live: JsonObject | undefined } {
  const file = asObject(toJson(local)) ?? {}
  for (const key of SERVICE_SKIPPED_KEYS) delete file[key]
  const liveJson = live === undefined ? undefined : (asObject(toJson(live)) ?? {})
  const traits = serviceTraits(file, liveJson, options)
  const localJson = desiredService(file, { codeDeploy: traits.controller === 'CODE_DEPLOY' })
  if (liveJson === undefined) return { local: normalizeService(localJson, traits, options), live: undefined }

  // Described services keep these in the primary deployment, not at the top level.
  const primary = asArray(liveJson.deployments)?.find(d => field(d, 'status') === 'PRIMARY')
  for (const key of ['serviceConnectConfiguration', 'volumeConfigurations', 'vpcLatticeConfigurations']) {
    const fromDeployment = asObject(primary)?.[key]
    if (liveJson[key] === undefined && fromDeployment !== undefined) liveJson[key] = fromDeployment
  }
  const compared = new Set(Object.keys(localJson))
  const picked: JsonObject = {}
  for (const key of compared) if (liveJson[key] !== undefined) picked[key] = liveJson[key]
  return {
    local: normalizeService(localJson, traits, options),
    live: normalizeService(picked, traits, options)
  }
}

interface ServiceTraits {
  readonly controller: string
  readonly daemon: boolean
  readonly fargate: boolean
}

/** What decides the defaults, the same for both sides: the file's word first, else the live service's. */
function serviceTraits(
  local: JsonObject,
  live: JsonObject | undefined,
  options: ServiceNormalizeOptions
): ServiceTraits {
  const pick = (key: string): Json | undefined => local[key] ?? live?.[key]
  const controller = options.codeDeploy
    ? 'CODE_DEPLOY'
    : field(asObject(pick('deploymentController')) ?? {}, 'type') || 'ECS'
  const strategies = asArray(pick('capacityProviderStrategy')) ?? []
  const fargate =
    pick('launchType') === 'FARGATE' ||
    strategies.some(item => field(item, 'capacityProvider').startsWith('FARGATE'))
  return { controller, daemon: pick('schedulingStrategy') === 'DAEMON', fargate }
}

function normalizeService(input: JsonObject, traits: ServiceTraits, options: NormalizeOptions): JsonObject {
  const sv: JsonObject = { ...input }
  for (const key of SERVICE_SKIPPED_KEYS) delete sv[key]
  const { controller, daemon } = traits

  if (traits.fargate) sv.platformVersion ??= 'LATEST'
  sv.enableECSManagedTags ??= false
  sv.enableExecuteCommand ??= false

  const dc: JsonObject = { ...(asObject(sv.deploymentConfiguration) ?? {}) }
  dc.maximumPercent ??= daemon ? 100 : 200
  dc.minimumHealthyPercent ??= daemon ? 0 : 100
  const breaker = asObject(dc.deploymentCircuitBreaker)
  if (controller === 'ECS' && !daemon) {
    dc.deploymentCircuitBreaker = { enable: false, rollback: false, ...(breaker ?? {}) }
  } else if (breaker && breaker.enable !== true && breaker.rollback !== true) {
    // Only the ECS controller uses it; the API may still report it switched off.
    delete dc.deploymentCircuitBreaker
  }
  const alarms = asObject(dc.alarms)
  if (
    alarms &&
    alarms.enable !== true &&
    alarms.rollback !== true &&
    (asArray(alarms.alarmNames) ?? []).length === 0
  ) {
    delete dc.alarms
  }
  if (dc.strategy === 'ROLLING') delete dc.strategy
  sv.deploymentConfiguration = dc

  // Service Connect switched off with nothing else set is the same as none (what a deploy sends to clear it).
  const connect = asObject(sv.serviceConnectConfiguration)
  if (connect && connect.enabled === false && Object.keys(connect).length === 1)
    delete sv.serviceConnectConfiguration

  const vpc = asObject(asObject(sv.networkConfiguration)?.awsvpcConfiguration)
  if (vpc) {
    vpc.assignPublicIp ??= 'DISABLED'
    sortBy(asArray(vpc.subnets))
    sortBy(asArray(vpc.securityGroups))
  }
  for (const strategy of asArray(sv.capacityProviderStrategy) ?? []) {
    if (!isObject(strategy)) continue
    strategy.base ??= 0
    strategy.weight ??= 0
  }
  sortBy(asArray(sv.capacityProviderStrategy), item => field(item, 'capacityProvider'))
  const loadBalancers = asArray(sv.loadBalancers)
  if (controller === 'CODE_DEPLOY')
    for (const lb of loadBalancers ?? []) if (isObject(lb)) delete lb.targetGroupArn
  sortBy(loadBalancers)
  sortBy(asArray(sv.serviceRegistries))
  sortBy(asArray(sv.placementConstraints))
  sortBy(asArray(sv.placementStrategy))
  setTags(sv, options.ignoreTags)

  return (pruneEmpty(sv) as JsonObject | undefined) ?? {}
}
