/** Plain JSON values and the few operations normalization and diffing need on them. */

export type Json = null | boolean | number | string | Json[] | JsonObject
export interface JsonObject {
  [key: string]: Json
}

/** A deep copy as plain JSON: Dates become ISO strings, undefined keys disappear, class instances flatten. */
export function toJson(value: unknown): Json {
  if (value === undefined) return null
  return JSON.parse(JSON.stringify(value)) as Json
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asObject(value: Json | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined
}

export function asArray(value: Json | undefined): Json[] | undefined {
  return Array.isArray(value) ? value : undefined
}

/** JSON with keys sorted at every level, indented by two spaces: the text both sides of a diff are made of. */
export function stableStringify(value: Json): string {
  return JSON.stringify(sortKeys(value), null, 2)
}

/** One-line canonical form, for equality and for sorting order-insensitive lists. */
export function canonical(value: Json | undefined): string {
  return value === undefined ? '' : JSON.stringify(sortKeys(value))
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  return canonical(a) === canonical(b)
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isObject(value)) return value
  const out: JsonObject = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!)
  return out
}

/**
 * Removes null, empty arrays and empty objects at every level (after their children are pruned): the API
 * returns `[]` for lists a file leaves out, and an absent list means the same as an empty one.
 */
export function pruneEmpty(value: Json): Json | undefined {
  if (value === null) return undefined
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty).filter((item): item is Json => item !== undefined)
    return items.length === 0 ? undefined : items
  }
  if (isObject(value)) {
    const out: JsonObject = {}
    for (const [key, child] of Object.entries(value)) {
      const pruned = pruneEmpty(child)
      if (pruned !== undefined) out[key] = pruned
    }
    return Object.keys(out).length === 0 ? undefined : out
  }
  return value
}

/** Sorts a list in place by a key (then by canonical JSON, so equal keys still order stably). */
export function sortBy(list: Json[] | undefined, key?: (item: Json) => string): void {
  if (list === undefined) return
  const decorated = list.map(item => ({ item, primary: key ? key(item) : '', secondary: canonical(item) }))
  decorated.sort((a, b) => compare(a.primary, b.primary) || compare(a.secondary, b.secondary))
  decorated.forEach((entry, index) => (list[index] = entry.item))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A string field of an object, or '' (for sort keys). */
export function field(item: Json, key: string): string {
  const value = isObject(item) ? item[key] : undefined
  return typeof value === 'string' ? value : value === undefined ? '' : canonical(value)
}
