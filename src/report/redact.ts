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
