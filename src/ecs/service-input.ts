import type { CreateServiceCommandInput, Service, Tag, UpdateServiceCommandInput } from '@aws-sdk/client-ecs'
import { jsonEqual } from '../diff/json.js'
import { normalizeServicePair } from '../diff/normalize.js'
import { clearsNothing, desiredService } from './desired-state.js'

/** A rendered service definition: CreateService's input without cluster, name and task definition. */
export type ServiceDefinition = Omit<CreateServiceCommandInput, 'cluster' | 'serviceName' | 'taskDefinition'>

/** An Application Auto Scaling target on the service's desired count. */
export interface ScalableRange {
  readonly min: number
  readonly max: number
}

/** Why the desired count is what it is, for the log and summary. */
export interface DesiredCountPlan {
  /** The value to send; undefined leaves the service's count as it is. */
  readonly send: number | undefined
  readonly reason: 'definition' | 'unset' | 'auto-scaling' | 'daemon'
}

/**
 * The desired count to send with UpdateService: the definition's, except a DAEMON service (no count), an
 * unset value (keep the current), or a service with an auto scaling target (keep the current, clamped into
 * the target's range, so a deploy never fights the scaler).
 */
export function planDesiredCount(
  definition: ServiceDefinition | undefined,
  service: Service,
  scalable: ScalableRange | undefined
): DesiredCountPlan {
  const strategy = definition?.schedulingStrategy ?? service.schedulingStrategy
  if (strategy === 'DAEMON') return { send: undefined, reason: 'daemon' }
  const current = service.desiredCount ?? 0
  if (scalable !== undefined) {
    const clamped = Math.min(Math.max(current, scalable.min), scalable.max)
    return { send: clamped === current ? undefined : clamped, reason: 'auto-scaling' }
  }
  const wanted = definition?.desiredCount
  if (wanted === undefined || wanted === null) return { send: undefined, reason: 'unset' }
  return { send: wanted, reason: 'definition' }
}

/**
 * Every field UpdateService accepts from the definition. A field the file omits is sent as ecspresso sends it
 * (desired-state.ts): booleans off, load balancers and the like cleared; the rest are left alone.
 */
const UPDATABLE = [
  'availabilityZoneRebalancing',
  'capacityProviderStrategy',
  'deploymentConfiguration',
  'enableECSManagedTags',
  'enableExecuteCommand',
  'healthCheckGracePeriodSeconds',
  'loadBalancers',
  'monitoring',
  'networkConfiguration',
  'placementConstraints',
  'placementStrategy',
  'platformVersion',
  'propagateTags',
  'serviceConnectConfiguration',
  'serviceRegistries',
  'volumeConfigurations',
  'vpcLatticeConfigurations'
] as const satisfies readonly (keyof ServiceDefinition & keyof UpdateServiceCommandInput)[]

export interface UpdatePlanInput {
  readonly cluster: string
  readonly service: string
  readonly taskDefinitionArn: string
  readonly definition: ServiceDefinition | undefined
  readonly live: Service
  readonly desiredCount: number | undefined
  readonly forceNewDeployment: boolean
}

/** The one UpdateService call of a rolling deploy: task definition, count and the definition's fields. */
export function buildUpdateServiceInput(plan: UpdatePlanInput): UpdateServiceCommandInput {
  const input: UpdateServiceCommandInput = {
    cluster: plan.cluster,
    service: plan.service,
    taskDefinition: plan.taskDefinitionArn
  }
  const writable = input as unknown as Record<string, unknown>
  const definition =
    plan.definition === undefined
      ? undefined
      : (desiredService(plan.definition, { codeDeploy: false }) as Record<string, unknown>)
  if (definition !== undefined) {
    for (const key of UPDATABLE) {
      const value = definition[key]
      if (value === undefined || value === null) continue
      if (clearsNothing(key, value, plan.live)) continue
      writable[key] = value
    }
  }
  // DAEMON services place one task per instance; ECS rejects a placement strategy for them.
  if ((plan.definition?.schedulingStrategy ?? plan.live.schedulingStrategy) === 'DAEMON')
    delete input.placementStrategy
  if (plan.desiredCount !== undefined) input.desiredCount = plan.desiredCount
  if (plan.forceNewDeployment) input.forceNewDeployment = true
  return input
}

/**
 * Whether the live service already has everything the definition sets, compared as the dry run's diff
 * compares them (the same normalization), with the desired count a deploy would send in place of the file's.
 */
export function serviceMatches(
  definition: ServiceDefinition | undefined,
  live: Service,
  desiredCount: number | undefined,
  ignoreTags: readonly string[]
): boolean {
  if (definition === undefined) return desiredCount === undefined || desiredCount === live.desiredCount
  const { desiredCount: _fromFile, ...rest } = definition
  const asDeployed = desiredCount === undefined ? rest : { ...rest, desiredCount }
  const pair = normalizeServicePair(asDeployed, live, { ignoreTags })
  return jsonEqual(pair.live, pair.local)
}

export interface CreatePlanInput {
  readonly cluster: string
  readonly service: string
  readonly taskDefinitionArn: string
  readonly definition: ServiceDefinition
  readonly clientToken: string
}

/** CreateService from the definition as it is, like ecspresso's create. */
export function buildCreateServiceInput(plan: CreatePlanInput): CreateServiceCommandInput {
  const input: CreateServiceCommandInput = {
    ...plan.definition,
    cluster: plan.cluster,
    serviceName: plan.service,
    taskDefinition: plan.taskDefinitionArn,
    clientToken: plan.clientToken
  }
  const writable = input as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(writable)) if (value === null) delete writable[key]
  if (Array.isArray(input.volumeConfigurations) && input.volumeConfigurations.length === 0) {
    delete input.volumeConfigurations
  }
  return input
}

export interface TagChanges {
  /** Added or changed, for TagResource. */
  readonly set: Tag[]
  /** Keys for UntagResource. */
  readonly remove: string[]
}

/**
 * What it takes to make the service's tags match the definition's, as ecspresso syncs them: a tag the file
 * does not list is removed (a file without `tags` wants none), except keys in `ignore` (managed elsewhere)
 * and AWS-reserved `aws:` keys, which are never touched. No definition at all leaves the tags alone.
 */
export function planTagChanges(
  live: readonly Tag[],
  definition: Pick<ServiceDefinition, 'tags'> | undefined,
  ignore: readonly string[]
): TagChanges {
  if (definition === undefined) return { set: [], remove: [] }
  const wanted = definition.tags ?? []
  const managed = (key: string | undefined): key is string =>
    key !== undefined && !ignore.includes(key) && !key.startsWith('aws:')
  const liveMap = new Map(live.filter(t => managed(t.key)).map(t => [t.key!, t.value ?? '']))
  const wantedMap = new Map(wanted.filter(t => managed(t.key)).map(t => [t.key!, t.value ?? '']))
  const set: Tag[] = []
  for (const [key, value] of wantedMap) if (liveMap.get(key) !== value) set.push({ key, value })
  const remove = [...liveMap.keys()].filter(key => !wantedMap.has(key))
  return { set, remove }
}

/** `arn:aws:ecs:r:a:cluster/name` or `name` → `name`. */
export function nameOf(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1)
}
