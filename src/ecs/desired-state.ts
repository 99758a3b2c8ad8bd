/**
 * The service definition is the desired state, as ecspresso deploys it. ecspresso builds UpdateService from
 * the whole file (svToUpdateServiceInput): a field Go holds as a plain value is sent as its zero value when
 * the file omits it, and a few are cleared on purpose. Fields Go holds as pointers or enums (desiredCount,
 * deploymentConfiguration, healthCheckGracePeriodSeconds, propagateTags, platformVersion, networkConfiguration,
 * placement, capacityProviderStrategy, serviceRegistries, availabilityZoneRebalancing, monitoring) are left
 * out of the request when omitted, so the service keeps them.
 */

/** Omitted in the file → what ecspresso sends, for every deployment controller. Tags are synced to the file's. */
const ALWAYS: Readonly<Record<string, unknown>> = {
  enableECSManagedTags: false,
  enableExecuteCommand: false,
  tags: []
}

/**
 * Omitted → cleared, on an ECS-controlled service only: ecspresso sends an empty list (load balancers,
 * volume and VPC Lattice configurations) and Service Connect switched off. A CODE_DEPLOY service cannot
 * change these with UpdateService, so ecspresso leaves them (and this action) alone there.
 */
const CLEARED_ON_ECS: Readonly<Record<string, unknown>> = {
  loadBalancers: [],
  serviceConnectConfiguration: { enabled: false },
  volumeConfigurations: [],
  vpcLatticeConfigurations: []
}

/** The definition with every field it omits set to what a deploy sends for it. A field it sets is kept. */
export function desiredService<T extends object>(definition: T, options: { codeDeploy: boolean }): T {
  const filled = { ...definition } as Record<string, unknown>
  const defaults = options.codeDeploy ? ALWAYS : { ...ALWAYS, ...CLEARED_ON_ECS }
  for (const [key, value] of Object.entries(defaults)) {
    if (filled[key] === undefined || filled[key] === null) filled[key] = structuredClone(value)
  }
  return filled as T
}

/**
 * Whether sending `value` for `key` would clear something that is not there: an empty list, or Service
 * Connect off, where the live service (or its primary deployment) has none. ECS treats such a field as a
 * change and starts a deployment for it, so the request leaves it out; the result is the same.
 */
export function clearsNothing(key: string, value: unknown, live: unknown): boolean {
  if (!(key in CLEARED_ON_ECS)) return false
  const cleared =
    (Array.isArray(value) && value.length === 0) ||
    (key === 'serviceConnectConfiguration' &&
      typeof value === 'object' &&
      value !== null &&
      (value as { enabled?: unknown }).enabled === false &&
      Object.keys(value).length === 1)
  if (!cleared) return false
  const current = liveValue(key, live)
  if (current === undefined || current === null) return true
  if (Array.isArray(current)) return current.length === 0
  return (current as { enabled?: unknown }).enabled !== true
}

/** A described service keeps Service Connect, volume and VPC Lattice settings in its PRIMARY deployment. */
function liveValue(key: string, live: unknown): unknown {
  const service = (live ?? {}) as Record<string, unknown>
  if (service[key] !== undefined) return service[key]
  const deployments = Array.isArray(service.deployments) ? (service.deployments as unknown[]) : []
  const primary = deployments.find(d => (d as { status?: unknown }).status === 'PRIMARY')
  return (primary as Record<string, unknown> | undefined)?.[key]
}
