/**
 * What a deploy would change, as data: both definitions normalized and compared with what runs, the containers
 * and fields that differ, and the unified diff text. Pure; the dry-run command does the reads.
 */
import { redactSecretPair, redactTaskDefinitionPair, type SecretValues } from '../report/redact.js'
import { MASK } from '../report/sink.js'
import { asArray, asObject, field, jsonEqual, type JsonObject } from './json.js'
import { normalizeServicePair, normalizeTaskDefinition } from './normalize.js'
import { unifiedJsonDiff } from './unified.js'

export type Change = 'added' | 'removed' | 'changed' | 'unchanged'

export interface ContainerChange {
  readonly name: string
  readonly change: Change
  /** The image live runs now, undefined for an added container. */
  readonly imageBefore: string | undefined
  /** The image a deploy would run, undefined for a removed container. */
  readonly imageAfter: string | undefined
}

export interface DefinitionDiff {
  readonly kind: 'task-definition' | 'service'
  /** The live side's name in the diff header: an ARN, or `/dev/null` when nothing is live. */
  readonly from: string
  /** The local side's name: the definition file's path. */
  readonly to: string
  /** Normalized, unredacted. Undefined when nothing is live. */
  readonly live: JsonObject | undefined
  readonly local: JsonObject
  readonly changed: boolean
  /** Top-level fields that differ (for a task definition, other than `containerDefinitions`). */
  readonly fields: readonly string[]
  /** Task definitions only: every container on either side, by name. */
  readonly containers: readonly ContainerChange[]
  /** The unified diff, redacted unless redaction is off; '' when unchanged. */
  readonly text: string
}

export interface DiffPlan {
  readonly cluster: string
  /** The service name, undefined when the config names none (task definition only). */
  readonly service: string | undefined
  /** The config file, as shown to people. */
  readonly config: string
  /** Whether the service exists now (false for a service a deploy would create). */
  readonly serviceExists: boolean
  readonly taskDefinition: DefinitionDiff | undefined
  readonly serviceDefinition: DefinitionDiff | undefined
  readonly hasChanges: boolean
  /** Both diffs, service first (as ecspresso prints them). */
  readonly diff: string
}

export interface PlanInput {
  readonly cluster: string
  readonly service: string | undefined
  readonly config: string
  readonly local: {
    readonly taskDefinition: unknown
    readonly taskDefinitionPath: string | undefined
    readonly serviceDefinition: unknown
    readonly serviceDefinitionPath: string | undefined
  }
  readonly live: {
    /** A described service (DescribeServices shape, with `tags`), undefined when it doesn't exist. */
    readonly service: unknown
    /** A described task definition, undefined when none is live. */
    readonly taskDefinition: unknown
    readonly taskDefinitionTags?: readonly unknown[] | undefined
  }
  readonly ignoreTags: readonly string[]
  /** The service deploys through CodeDeploy (from the config, or its deployment controller). */
  readonly codeDeploy: boolean
  readonly redact: boolean
  /** Secret values (SSM SecureStrings, secret env): hidden on both sides of both diffs, whatever `redact` says. */
  readonly secrets?: SecretValues | undefined
}

export function planDiff(input: PlanInput): DiffPlan {
  const serviceDefinition = input.local.serviceDefinition === undefined ? undefined : diffService(input)
  const taskDefinition = input.local.taskDefinition === undefined ? undefined : diffTaskDefinition(input)
  const diff = [serviceDefinition?.text ?? '', taskDefinition?.text ?? '']
    .filter(text => text !== '')
    .join('')
  return {
    cluster: input.cluster,
    service: input.service,
    config: input.config,
    serviceExists: input.live.service !== undefined,
    taskDefinition,
    serviceDefinition,
    hasChanges: (serviceDefinition?.changed ?? false) || (taskDefinition?.changed ?? false),
    diff
  }
}

function diffTaskDefinition(input: PlanInput): DefinitionDiff {
  const options = { ignoreTags: input.ignoreTags }
  const local = normalizeTaskDefinition(input.local.taskDefinition, options)
  let live: JsonObject | undefined
  let from = '/dev/null'
  if (input.live.taskDefinition !== undefined) {
    const described = { ...(input.live.taskDefinition as object) } as Record<string, unknown>
    from =
      typeof described.taskDefinitionArn === 'string' ? described.taskDefinitionArn : 'live task definition'
    if ((input.live.taskDefinitionTags ?? []).length > 0) described.tags = input.live.taskDefinitionTags
    live = normalizeTaskDefinition(described, options)
  }
  const to = input.local.taskDefinitionPath ?? 'task definition'
  const fields = input.redact ? redactTaskDefinitionPair(live, local) : { live, local }
  const shown = bySecretValue(fields, input.secrets)
  return {
    kind: 'task-definition',
    from,
    to,
    live,
    local,
    changed: !jsonEqual(live, local),
    fields: changedFields(live, local, ['containerDefinitions']),
    containers: containerChanges(live, local),
    text: unifiedJsonDiff(shown.live, shown.local, from, to)
  }
}

function diffService(input: PlanInput): DefinitionDiff {
  const pair = normalizeServicePair(input.local.serviceDefinition, input.live.service, {
    ignoreTags: input.ignoreTags,
    codeDeploy: input.codeDeploy
  })
  const described = asObject(input.live.service as never)
  const arn = described === undefined ? undefined : field(described, 'serviceArn')
  const from = input.live.service === undefined ? '/dev/null' : arn || `service ${input.service ?? ''}`
  const to = input.local.serviceDefinitionPath ?? 'service definition'
  const shown = bySecretValue(pair, input.secrets)
  return {
    kind: 'service',
    from,
    to,
    live: pair.live,
    local: pair.local,
    changed: !jsonEqual(pair.live, pair.local),
    fields: changedFields(pair.live, pair.local, []),
    containers: [],
    text: unifiedJsonDiff(shown.live, shown.local, from, to)
  }
}

function bySecretValue(
  pair: { live: JsonObject | undefined; local: JsonObject | undefined },
  secrets: SecretValues | undefined
): { live: JsonObject | undefined; local: JsonObject | undefined } {
  return secrets === undefined ? pair : redactSecretPair(pair.live, pair.local, secrets, MASK)
}

function changedFields(live: JsonObject | undefined, local: JsonObject, skip: readonly string[]): string[] {
  const keys = new Set([...Object.keys(live ?? {}), ...Object.keys(local)])
  return [...keys].filter(key => !skip.includes(key) && !jsonEqual(live?.[key], local[key])).sort()
}

function containerChanges(live: JsonObject | undefined, local: JsonObject): ContainerChange[] {
  const byName = (td: JsonObject | undefined): Map<string, JsonObject> => {
    const map = new Map<string, JsonObject>()
    for (const container of asArray(td?.containerDefinitions) ?? []) {
      const object = asObject(container)
      if (object) map.set(field(object, 'name'), object)
    }
    return map
  }
  const before = byName(live)
  const after = byName(local)
  const names = [...new Set([...before.keys(), ...after.keys()])].sort()
  return names.map(name => {
    const a = before.get(name)
    const b = after.get(name)
    const change: Change =
      a === undefined ? 'added' : b === undefined ? 'removed' : jsonEqual(a, b) ? 'unchanged' : 'changed'
    return {
      name,
      change,
      imageBefore: a === undefined ? undefined : field(a, 'image') || undefined,
      imageAfter: b === undefined ? undefined : field(b, 'image') || undefined
    }
  })
}
