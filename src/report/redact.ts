/**
 * Hides the values of containers' `environment` entries before a diff reaches a PR comment, the job summary or
 * an output. A value that differs between live and local still shows as changed, so a reviewer sees that
 * something moved without seeing what; `secrets` keep their `valueFrom` (an ARN or parameter name, not the
 * secret itself).
 */
import { asArray, asObject, field, isObject, toJson, type Json, type JsonObject } from '../diff/json.js'

export const REDACTED = '(redacted)'
export const REDACTED_CHANGED = '(redacted, changed)'

/**
 * Redacted copies of a normalized task definition pair (live may be undefined: nothing to compare against).
 * Containers pair up by name and variables by name (by position among duplicates); a value that differs
 * becomes `(redacted)` on the live side and `(redacted, changed)` on the local side.
 */
export function redactTaskDefinitionPair(
  live: JsonObject | undefined,
  local: JsonObject | undefined
): { live: JsonObject | undefined; local: JsonObject | undefined } {
  const liveCopy = live === undefined ? undefined : (toJson(live) as JsonObject)
  const localCopy = local === undefined ? undefined : (toJson(local) as JsonObject)
  const liveContainers = containersByName(liveCopy)
  for (const [name, localContainer] of containersByName(localCopy)) {
    const liveValues = environmentValues(liveContainers.get(name))
    const seen = new Map<string, number>()
    for (const entry of asArray(localContainer.environment) ?? []) {
      if (!isObject(entry) || entry.value === undefined) continue
      const key = field(entry, 'name')
      const index = seen.get(key) ?? 0
      seen.set(key, index + 1)
      const before = liveValues.get(key)?.[index]
      entry.value = before === undefined || before === entry.value ? REDACTED : REDACTED_CHANGED
    }
  }
  for (const container of liveContainers.values()) {
    for (const entry of asArray(container.environment) ?? [])
      if (isObject(entry) && entry.value !== undefined) entry.value = REDACTED
  }
  return { live: liveCopy, local: localCopy }
}

/** A redacted copy of one task definition on its own (no pair to compare against). */
export function redactTaskDefinition(td: JsonObject): JsonObject {
  return redactTaskDefinitionPair(undefined, td).local!
}

function containersByName(td: JsonObject | undefined): Map<string, JsonObject> {
  const byName = new Map<string, JsonObject>()
  for (const container of asArray(td?.containerDefinitions) ?? []) {
    const object = asObject(container)
    if (object) byName.set(field(object, 'name'), object)
  }
  return byName
}

function environmentValues(container: JsonObject | undefined): Map<string, Json[]> {
  const values = new Map<string, Json[]>()
  for (const entry of asArray(container?.environment) ?? []) {
    if (!isObject(entry) || entry.value === undefined) continue
    const key = field(entry, 'name')
    values.set(key, [...(values.get(key) ?? []), entry.value])
  }
  return values
}

/** Secret values, as the sink knows them: whether a text holds one, and the text with each replaced. */
export interface SecretValues {
  has(text: string): boolean
  redact(text: string): string
}

/**
 * Redaction by value for a live/local pair. Every string on the local side that holds a secret (an SSM
 * SecureString, a secret environment variable, wherever it sits: labels, command, tags, options) has it
 * replaced by `•••`. The live side at the same place may hold the *previous* secret, which no registry knows:
 * it becomes `•••` when it differs from the local value, and the local side then reads `••• (changed)`, so
 * the diff shows `"•••"` → `"••• (changed)"` without either value. Arrays of `{name|key: …}` pair up by that name, others by position.
 */
export function redactSecretPair(
  live: JsonObject | undefined,
  local: JsonObject | undefined,
  values: SecretValues,
  mask: string
): { live: JsonObject | undefined; local: JsonObject | undefined } {
  const walk = (before: Json | undefined, after: Json): { live: Json | undefined; local: Json } => {
    if (typeof after === 'string') {
      if (!values.has(after)) return { live: before, local: after }
      const shown = values.redact(after)
      if (before === after) return { live: shown, local: shown }
      if (typeof before !== 'string') return { live: before, local: shown }
      // Both sides hidden, yet the line must still differ so the diff shows the change.
      return { live: mask, local: shown === mask ? `${mask} (changed)` : shown }
    }
    if (Array.isArray(after)) {
      const beforeArray = asArray(before)
      if (beforeArray === undefined)
        return { live: before, local: after.map(item => walk(undefined, item).local) }
      const liveOut = [...beforeArray]
      const localOut = after.map((item, index) => {
        const at = partnerIndex(beforeArray, item, index)
        const pair = walk(at === undefined ? undefined : beforeArray[at], item)
        if (at !== undefined) liveOut[at] = pair.live ?? null
        return pair.local
      })
      return { live: liveOut, local: localOut }
    }
    if (isObject(after)) {
      const beforeObject = asObject(before)
      const liveOut: JsonObject | undefined = beforeObject === undefined ? undefined : { ...beforeObject }
      const localOut: JsonObject = {}
      for (const [key, value] of Object.entries(after)) {
        const pair = walk(beforeObject?.[key], value)
        localOut[key] = pair.local
        if (liveOut !== undefined && key in liveOut) liveOut[key] = pair.live ?? null
      }
      return { live: liveOut ?? before, local: localOut }
    }
    return { live: before, local: after }
  }
  if (local === undefined) return { live, local }
  const out = walk(live, local)
  return { live: asObject(out.live ?? undefined), local: asObject(out.local) }
}

function partnerIndex(before: readonly Json[], item: Json, index: number): number | undefined {
  const object = asObject(item)
  for (const id of ['name', 'key'] as const) {
    const wanted = object?.[id]
    if (typeof wanted === 'string') {
      const found = before.findIndex(other => asObject(other)?.[id] === wanted)
      return found < 0 ? undefined : found
    }
  }
  return index < before.length ? index : undefined
}
