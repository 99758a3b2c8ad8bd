import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { taskSizeValue } from '../definitions/task-size.js'
import type { Clock } from '../clock.js'
import { ActionError } from '../errors.js'
import type { Logger } from '../log.js'
import { awsErrorName, type LiveState } from './live.js'
import { applyOnce, noBlindRetry } from './once.js'
import { DEPLOY_ID_TAG } from '../contract.js'
import { jsonEqual } from '../diff/json.js'
import { normalizeTaskDefinition } from '../diff/normalize.js'

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
  /** True when the rendered definition equals the service's live one, so that revision is deployed again. */
  readonly reused: boolean
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
  /** Tag keys managed elsewhere (config `ignore.tags`), not compared. */
  readonly ignoreTags?: readonly string[] | undefined
}

/** Picks what to deploy: a fresh registration, or with `skip` the service's current or the family's latest. */
export async function resolveTaskDefinition(options: ResolveOptions): Promise<ResolvedTaskDefinition> {
  const { live, definition } = options
  if (options.skip) {
    const current = live.service?.taskDefinition
    if (!options.latest && current !== undefined) {
      return { arn: current, taskDefinition: live.taskDefinition, registered: false, reused: false }
    }
    const family = definition?.family ?? live.taskDefinition?.family
    if (family === undefined) {
      throw new ActionError('skip-task-definition: there is no task definition family to deploy', {
        hint: 'name task_definition in the config, or deploy once without skip-task-definition'
      })
    }
    const latest = await latestActive(options.ecs, family)
    return { arn: latest.taskDefinitionArn!, taskDefinition: latest, registered: false, reused: false }
  }
  if (definition === undefined) {
    throw new ActionError('the config names no task_definition to register', {
      hint: 'add task_definition to the config, or set skip-task-definition: true to deploy the current revision'
    })
  }
  const running = live.service === undefined ? undefined : live.taskDefinition
  if (
    running?.taskDefinitionArn !== undefined &&
    running.status === 'ACTIVE' &&
    sameTaskDefinition(definition, running, live.taskDefinitionTags, options.ignoreTags)
  ) {
    options.log.info(
      `task definition unchanged: the service's ${running.taskDefinitionArn} is reused, nothing registered`
    )
    return { arn: running.taskDefinitionArn, taskDefinition: running, registered: false, reused: true }
  }
  return registerOnce(options, definition)
}

/**
 * Whether a rendered task definition equals a described one, compared as the dry run's diff compares them
 * (the same normalization; the deploy-id tag and ignored tags left out), so "no changes" means no registration.
 */
export function sameTaskDefinition(
  definition: RegisterTaskDefinitionCommandInput,
  described: TaskDefinition,
  describedTags: readonly Tag[],
  ignoreTags: readonly string[] | undefined
): boolean {
  const options = { ignoreTags }
  const live = describedTags.length > 0 ? { ...described, tags: describedTags } : described
  return jsonEqual(normalizeTaskDefinition(live, options), normalizeTaskDefinition(definition, options))
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

/** Task-level cpu and memory as the numbers ECS stores ("0.5 GB" → "512"), whatever the file's spelling. */
export function registeredSizes(
  definition: RegisterTaskDefinitionCommandInput
): Pick<RegisterTaskDefinitionCommandInput, 'cpu' | 'memory'> {
  const sizes: Pick<RegisterTaskDefinitionCommandInput, 'cpu' | 'memory'> = {}
  if (definition.cpu !== undefined) sizes.cpu = taskSizeValue(definition.cpu, 'cpu')
  if (definition.memory !== undefined) sizes.memory = taskSizeValue(definition.memory, 'memory')
  return sizes
}

async function registerOnce(
  options: ResolveOptions,
  definition: RegisterTaskDefinitionCommandInput
): Promise<ResolvedTaskDefinition> {
  const input: RegisterTaskDefinitionCommandInput = {
    ...definition,
    ...registeredSizes(definition),
    tags: registrationTags(definition, options.deployId)
  }
  const family = definition.family ?? ''
  const liveArn = options.live.taskDefinition?.taskDefinitionArn
  const bound: RegistrationBound = {
    // Whatever this run registers gets a revision above the one the service ran when planned.
    aboveRevision:
      liveArn !== undefined && familyOf(liveArn) === family
        ? options.live.taskDefinition?.revision
        : undefined,
    since: options.clock.now()
  }
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
    check: () => findRegistration(options.ecs, family, options.deployId, bound),
    onRetry: (reason, attempt) => options.log.info(`${reason}; retrying (attempt ${attempt + 1})`)
  })
  return { arn: registered.taskDefinitionArn!, taskDefinition: registered, registered: true, reused: false }
}

/** Where to stop looking for a registration: revisions that were there before the first attempt. */
export interface RegistrationBound {
  /** A revision known to exist before the first attempt (the live one), when of the same family. */
  readonly aboveRevision: number | undefined
  /** When the first attempt was sent (ms since the epoch, this machine's clock). */
  readonly since: number
}

/**
 * Older than this before `since`, a revision predates the attempt whatever this machine's clock says: AWS
 * refuses requests signed more than 5 minutes off its own time (twice that, to be safe).
 */
export const CLOCK_SKEW_MARGIN_MS = 10 * 60_000

/**
 * Looks through the family's revisions, newest first and page by page, for the one tagged with this run's
 * deploy id, down to the first revision that predates the attempt: however many others registered
 * meanwhile, a registration that happened is found.
 */
export async function findRegistration(
  ecs: ECSClient,
  family: string,
  deployId: string,
  bound: RegistrationBound
): Promise<TaskDefinition | undefined> {
  // The SDK keeps AWS's clock offset once it has had to correct a skewed signature.
  const oldest = bound.since + (ecs.config.systemClockOffset ?? 0) - CLOCK_SKEW_MARGIN_MS
  let nextToken: string | undefined
  do {
    const listed = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: family,
        sort: 'DESC',
        status: 'ACTIVE',
        maxResults: 100,
        ...(nextToken === undefined ? {} : { nextToken })
      })
    )
    for (const arn of listed.taskDefinitionArns ?? []) {
      if (familyOf(arn) !== family) continue
      if (bound.aboveRevision !== undefined && revisionOf(arn) <= bound.aboveRevision) return undefined
      const out = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })
      )
      if (out.tags?.some(t => t.key === DEPLOY_ID_TAG && t.value === deployId)) return out.taskDefinition
      const registeredAt = out.taskDefinition?.registeredAt?.getTime()
      if (registeredAt !== undefined && registeredAt < oldest) return undefined
    }
    nextToken = listed.nextToken
  } while (nextToken !== undefined)
  return undefined
}

/** `...task-definition/web:12` → 12. */
function revisionOf(arn: string): number {
  return Number(arn.slice(arn.lastIndexOf(':') + 1))
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
