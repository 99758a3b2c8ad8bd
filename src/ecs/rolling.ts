import {
  CreateServiceCommand,
  DescribeServicesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
  type UpdateServiceCommandInput
} from '@aws-sdk/client-ecs'
import type { Clock } from '../clock.js'
import type { Logger } from '../log.js'
import { applyOnce, noBlindRetry } from './once.js'
import {
  buildCreateServiceInput,
  buildUpdateServiceInput,
  planTagChanges,
  serviceMatches,
  type ServiceDefinition,
  type TagChanges
} from './service-input.js'

/** What a create or update left behind: the deployment to watch. */
export interface Applied {
  readonly service: Service
  readonly deploymentId: string | undefined
  readonly serviceDeploymentArn: string | undefined
  readonly created: boolean
  readonly tagChanges: TagChanges
  /** No UpdateService was sent: the service already runs the task definition with the definition's settings. */
  readonly skipped?: boolean
  /** The service's settings (other than the task definition) differed from the definition's. */
  readonly serviceChanged?: boolean
  /** Syncing the service's tags failed after the update took: a partial failure, the rollout goes on. */
  readonly tagFailure?: unknown
}

interface Common {
  readonly ecs: ECSClient
  readonly clock: Clock
  readonly log: Logger
  readonly cluster: string
  readonly service: string
  readonly taskDefinitionArn: string
}

/** The PRIMARY deployment of a CreateService/UpdateService reply: the one this run started. */
export function primaryDeployment(service: Service): { id: string | undefined; arn: string | undefined } {
  const primary = service.deployments?.find(d => d.status === 'PRIMARY')
  return { id: primary?.id, arn: service.currentServiceDeployment }
}

/** CreateService with a client token, so a retried request cannot create twice. */
export async function createService(
  options: Common & { readonly definition: ServiceDefinition; readonly clientToken: string }
): Promise<Applied> {
  const input = buildCreateServiceInput({
    cluster: options.cluster,
    service: options.service,
    taskDefinitionArn: options.taskDefinitionArn,
    definition: options.definition,
    clientToken: options.clientToken
  })
  options.log.info(`creating service ${options.service} with ${options.taskDefinitionArn}`)
  // The client token makes CreateService idempotent, so the SDK's own retries are safe here.
  const out = await options.ecs.send(new CreateServiceCommand(input))
  const service = out.service!
  const primary = primaryDeployment(service)
  return {
    service,
    deploymentId: primary.id,
    serviceDeploymentArn: primary.arn,
    created: true,
    tagChanges: { set: [], remove: [] }
  }
}

/**
 * The one UpdateService of a rolling deploy. After an ambiguous failure it re-reads the service: a new
 * PRIMARY on our task definition means the update took, so it is never sent twice.
 */
export async function updateService(
  options: Common & {
    readonly live: Service
    readonly definition: ServiceDefinition | undefined
    readonly desiredCount: number | undefined
    readonly forceNewDeployment: boolean
    readonly ignoreTags: readonly string[]
  }
): Promise<Applied> {
  const tagChanges = planTagChanges(options.live.tags ?? [], options.definition, options.ignoreTags)
  const serviceChanged =
    !serviceMatches(options.definition, options.live, options.desiredCount, options.ignoreTags) ||
    tagChanges.set.length > 0 ||
    tagChanges.remove.length > 0
  if (
    !serviceChanged &&
    !options.forceNewDeployment &&
    options.taskDefinitionArn === options.live.taskDefinition
  ) {
    options.log.info(`service ${options.service} unchanged: no UpdateService`)
    const primary = primaryDeployment(options.live)
    return {
      service: options.live,
      deploymentId: primary.id,
      serviceDeploymentArn: primary.arn,
      created: false,
      tagChanges,
      skipped: true,
      serviceChanged: false
    }
  }
  const input = buildUpdateServiceInput({
    cluster: options.cluster,
    service: options.service,
    taskDefinitionArn: options.taskDefinitionArn,
    definition: options.definition,
    live: options.live,
    desiredCount: options.desiredCount,
    forceNewDeployment: options.forceNewDeployment
  })
  const service = await sendUpdate(options, input, options.live)
  const primary = primaryDeployment(service)
  const applied = {
    service,
    deploymentId: primary.id,
    serviceDeploymentArn: primary.arn,
    created: false,
    tagChanges,
    serviceChanged
  }
  try {
    await syncTags(options.ecs, service.serviceArn ?? options.live.serviceArn!, tagChanges, options.log)
  } catch (tagFailure) {
    // The update took: the rollout must still be watched and reported, so this is returned, not thrown.
    return { ...applied, tagFailure }
  }
  return applied
}

/** Rolling rollback: the service back to `previous`, one UpdateService. */
export async function rollbackService(
  options: Omit<Common, 'taskDefinitionArn'> & { readonly previous: string; readonly live: Service }
): Promise<Applied> {
  options.log.info(`rolling back ${options.service} to ${options.previous}`)
  const input: UpdateServiceCommandInput = {
    cluster: options.cluster,
    service: options.service,
    taskDefinition: options.previous
  }
  const service = await sendUpdate({ ...options, taskDefinitionArn: options.previous }, input, options.live)
  const primary = primaryDeployment(service)
  return {
    service,
    deploymentId: primary.id,
    serviceDeploymentArn: primary.arn,
    created: false,
    tagChanges: { set: [], remove: [] }
  }
}

async function sendUpdate(
  options: Common,
  input: UpdateServiceCommandInput,
  before: Service
): Promise<Service> {
  const known = new Set((before.deployments ?? []).map(d => d.id))
  return applyOnce<Service>({
    operation: 'UpdateService',
    clock: options.clock,
    send: async () =>
      (await options.ecs.send(noBlindRetry(new UpdateServiceCommand(input), 'UpdateService'))).service!,
    check: async () => {
      const out = await options.ecs.send(
        new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] })
      )
      const now = out.services?.[0]
      const primary = now?.deployments?.find(d => d.status === 'PRIMARY')
      // A new PRIMARY on our task definition: the update took. Otherwise sending again is safe: an update
      // that did not take starts nothing, and one that changes nothing starts no deployment either.
      const took =
        primary !== undefined &&
        primary.taskDefinition === options.taskDefinitionArn &&
        !known.has(primary.id)
      return took ? now : undefined
    },
    onRetry: (reason, attempt) => options.log.info(`${reason}; retrying (attempt ${attempt + 1})`)
  })
}

async function syncTags(
  ecs: ECSClient,
  resourceArn: string,
  changes: TagChanges,
  log: Logger
): Promise<void> {
  if (changes.set.length > 0) {
    log.info(`tagging service: ${changes.set.map(t => `${t.key}=${t.value}`).join(', ')}`)
    await ecs.send(new TagResourceCommand({ resourceArn, tags: changes.set }))
  }
  if (changes.remove.length > 0) {
    log.info(`untagging service: ${changes.remove.join(', ')}`)
    await ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: changes.remove }))
  }
}
