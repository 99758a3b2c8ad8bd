/**
 * A CODE_DEPLOY service takes its task definition, load balancer, network configuration, platform version and
 * capacity provider strategy only from a CodeDeploy deployment (the AppSpec). The rest of the service
 * definition that UpdateService accepts for such services is applied first with one UpdateService, as
 * ecspresso does; what neither can change is reported.
 */
import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs'
import type { ServiceDefinition } from '../ecs/service-input.js'

/** Fields UpdateService changes on a service with the CODE_DEPLOY deployment controller. */
export const UPDATABLE_WITH_CODEDEPLOY = [
  'deploymentConfiguration',
  'healthCheckGracePeriodSeconds',
  'placementConstraints',
  'placementStrategy',
  'enableECSManagedTags',
  'propagateTags',
  'enableExecuteCommand'
] as const satisfies readonly (keyof ServiceDefinition & keyof UpdateServiceCommandInput)[]

/** Fields the CodeDeploy deployment applies, through the AppSpec. */
export const APPLIED_BY_APPSPEC = [
  'loadBalancers',
  'networkConfiguration',
  'platformVersion',
  'capacityProviderStrategy'
] as const satisfies readonly (keyof ServiceDefinition)[]

/** Fields neither can change on a CODE_DEPLOY service (the service must be recreated). */
export const NOT_UPDATABLE_WITH_CODEDEPLOY = [
  'serviceRegistries',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
  'availabilityZoneRebalancing',
  'launchType',
  'schedulingStrategy'
] as const satisfies readonly (keyof ServiceDefinition)[]

export interface CodeDeployServicePlan {
  /** The UpdateService to send first; undefined when nothing it can change differs. */
  readonly input: UpdateServiceCommandInput | undefined
  /** Fields the UpdateService changes (desiredCount included). */
  readonly updated: readonly string[]
  /** Fields that differ and that the AppSpec carries. */
  readonly viaAppSpec: readonly string[]
  /** Fields that differ and that no call can change on a CODE_DEPLOY service. */
  readonly notApplied: readonly string[]
}

/**
 * What the service definition changes on a CODE_DEPLOY service. A field the definition does not set is left
 * alone; a set field counts as changed when the live service does not already hold it (values the live
 * service adds, like defaults inside deploymentConfiguration, do not count).
 */
export function planCodeDeployServiceUpdate(options: {
  readonly cluster: string
  readonly service: string
  readonly definition: ServiceDefinition | undefined
  readonly live: Service
  /** The desired count to send (from planDesiredCount); undefined keeps the current one. */
  readonly desiredCount: number | undefined
}): CodeDeployServicePlan {
  const definition = (options.definition ?? {}) as Record<string, unknown>
  const live = options.live as unknown as Record<string, unknown>
  const differs = (key: string): boolean => {
    const wanted = definition[key]
    return wanted !== undefined && wanted !== null && !holds(live[key], wanted)
  }
  const input: UpdateServiceCommandInput = { cluster: options.cluster, service: options.service }
  const writable = input as unknown as Record<string, unknown>
  const updated: string[] = []
  for (const key of UPDATABLE_WITH_CODEDEPLOY) {
    if (!differs(key)) continue
    writable[key] = definition[key]
    updated.push(key)
  }
  if (options.desiredCount !== undefined && options.desiredCount !== options.live.desiredCount) {
    input.desiredCount = options.desiredCount
    updated.push('desiredCount')
  }
  return {
    input: updated.length > 0 ? input : undefined,
    updated,
    viaAppSpec: APPLIED_BY_APPSPEC.filter(differs),
    notApplied: NOT_UPDATABLE_WITH_CODEDEPLOY.filter(differs)
  }
}

/**
 * Does the live value already hold the wanted one? Objects: every wanted key is held; lists: same length and
 * each element held; scalars: equal. Dates compare by time.
 */
export function holds(live: unknown, wanted: unknown): boolean {
  if (wanted === undefined || wanted === null) return true
  if (Array.isArray(wanted)) {
    return Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => holds(live[i], w))
  }
  if (wanted instanceof Date) return live instanceof Date && live.getTime() === wanted.getTime()
  if (typeof wanted === 'object') {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false
    const l = live as Record<string, unknown>
    return Object.entries(wanted as Record<string, unknown>).every(([k, v]) => holds(l[k], v))
  }
  return live === wanted
}
