import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import type { Clock } from '../clock.js'
import { ActionError } from '../errors.js'
import type { Logger } from '../log.js'
import { awsErrorName, type LiveState } from './live.js'
import { applyOnce, noBlindRetry } from './once.js'
import { DEPLOY_ID_TAG } from '../contract.js'

/**
 * Tag put on every task definition this action registers, valued with the run's deploy id. After an
 * ambiguous RegisterTaskDefinition failure it tells whether the registration happened, so a run never
 * registers twice. Diffs ignore it.
 */
export { DEPLOY_ID_TAG }

export interface ResolvedTaskDefinition {
  readonly arn: string
  readonly taskDefinition: TaskDefinition | undefined
  /** True when this run registered it. */
  readonly registered: boolean
}

export interface ResolveOptions {
  readonly ecs: ECSClient
  readonly clock: Clock
  readonly log: Logger
  readonly live: LiveState
  /** The rendered definition; required unless skipping registration. */
  readonly definition: RegisterTaskDefinitionCommandInput | undefined
  readonly skip: boolean
  readonly latest: boolean
  /** Unique for this run (and attempt), stored in DEPLOY_ID_TAG. */
  readonly deployId: string
  /** For messages: where the definition came from. */
  readonly definitionPath: string | undefined
}

/** Picks what to deploy: a fresh registration, or with `skip` the service's current or the family's latest. */
export async function resolveTaskDefinition(options: ResolveOptions): Promise<ResolvedTaskDefinition> {
  const { live, definition } = options
  if (options.skip) {
    const current = live.service?.taskDefinition
    if (!options.latest && current !== undefined) {
      return { arn: current, taskDefinition: live.taskDefinition, registered: false }
    }
    const family = definition?.family ?? live.taskDefinition?.family
    if (family === undefined) {
      throw new ActionError('skip-task-definition: there is no task definition family to deploy', {
        hint: 'name task_definition in the config, or deploy once without skip-task-definition'
      })
    }
    const latest = await latestActive(options.ecs, family)
    return { arn: latest.taskDefinitionArn!, taskDefinition: latest, registered: false }
  }
  if (definition === undefined) {
    throw new ActionError('the config names no task_definition to register', {
      hint: 'add task_definition to the config, or set skip-task-definition: true to deploy the current revision'
    })
  }
  return registerOnce(options, definition)
}

async function latestActive(ecs: ECSClient, family: string): Promise<TaskDefinition> {
  try {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }))
    if (out.taskDefinition?.taskDefinitionArn === undefined) throw new Error('empty answer')
    return out.taskDefinition
  } catch (error) {
    if (awsErrorName(error) === 'ClientException') {
      throw new ActionError(`task definition family ${family} has no ACTIVE revision`, {
        hint: 'register one first: deploy without skip-task-definition',
        cause: error
      })
    }
    throw error
  }
}

/** The tags to register with: the definition's own plus the deploy id (replacing a stale one). */
export function registrationTags(definition: RegisterTaskDefinitionCommandInput, deployId: string): Tag[] {
  return [
    ...(definition.tags ?? []).filter(t => t.key !== DEPLOY_ID_TAG),
    { key: DEPLOY_ID_TAG, value: deployId }
  ]
}

async function registerOnce(
  options: ResolveOptions,
  definition: RegisterTaskDefinitionCommandInput
): Promise<ResolvedTaskDefinition> {
  const input: RegisterTaskDefinitionCommandInput = {
    ...definition,
    tags: registrationTags(definition, options.deployId)
  }
  const family = definition.family ?? ''
  const registered = await applyOnce<TaskDefinition>({
    operation: 'RegisterTaskDefinition',
    clock: options.clock,
    send: async () => {
      const out = await options.ecs.send(
        noBlindRetry(new RegisterTaskDefinitionCommand(input), 'RegisterTaskDefinition')
      )
      if (out.taskDefinition?.taskDefinitionArn === undefined)
        throw new Error('RegisterTaskDefinition returned no ARN')
      return out.taskDefinition
    },
    check: () => findRegistration(options.ecs, family, options.deployId),
    onRetry: (reason, attempt) => options.log.info(`${reason}; retrying (attempt ${attempt + 1})`)
  })
  return { arn: registered.taskDefinitionArn!, taskDefinition: registered, registered: true }
}

/** Looks through the family's newest revisions for the one tagged with this run's deploy id. */
export async function findRegistration(
  ecs: ECSClient,
  family: string,
  deployId: string
): Promise<TaskDefinition | undefined> {
  const listed = await ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', status: 'ACTIVE', maxResults: 20 })
  )
  const ofFamily = (listed.taskDefinitionArns ?? []).filter(arn => familyOf(arn) === family).slice(0, 5)
  for (const arn of ofFamily) {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }))
    if (out.tags?.some(t => t.key === DEPLOY_ID_TAG && t.value === deployId)) return out.taskDefinition
  }
  return undefined
}

/** `arn:aws:ecs:r:a:task-definition/web:12` → `web`. */
export function familyOf(arn: string): string {
  const name = arn.slice(arn.lastIndexOf('/') + 1)
  const colon = name.lastIndexOf(':')
  return colon < 0 ? name : name.slice(0, colon)
}

/** `...task-definition/web:12` → `web:12`. */
export function shortTaskDefinition(arn: string | undefined): string {
  if (arn === undefined) return '(none)'
  return arn.slice(arn.lastIndexOf('/') + 1)
}
