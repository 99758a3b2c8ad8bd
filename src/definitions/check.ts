import { closest } from '../errors.js'
import { structure, type Primitive, type StructureShape, type TypeRef } from './shapes.js'

export type JsonPath = readonly (string | number)[]

export interface Issue {
  readonly severity: 'error' | 'warning'
  /** Path in the parsed document, with keys spelled as the file spells them (for locating). */
  readonly path: JsonPath
  readonly message: string
  readonly hint?: string | undefined
}

/** What to do with a top-level key that is not a member of the root shape. */
export type RootKeyRule = { readonly action: 'strip' } | { readonly action: 'ignore'; readonly why: string }

export interface CheckOptions {
  /** The API operation named in messages, e.g. `RegisterTaskDefinition`. */
  readonly operation: string
  /**
   * ecspresso loads task definitions through a key-rewriting pass that deletes every empty list before
   * decoding (json.go walkMap), so `"command": []` or `"tags": []` is never sent. Service definitions are
   * decoded as they are, and an empty list there is sent (on UpdateService it clears the setting).
   */
  readonly dropEmptyLists: boolean
  /** Rules for top-level keys that are not request members (read-only describe output, ignored keys). */
  readonly rootKeys: (lowerKey: string) => RootKeyRule | undefined
  /** Required members of the root shape that the file does not hold (the config supplies them). */
  readonly rootNotRequired?: readonly string[]
}

const INT32_MIN = -2147483648
const INT32_MAX = 2147483647

/** `containerDefinitions[0].logConfiguration.options["awslogs-group"]` */
export function displayPath(path: JsonPath): string {
  let text = ''
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) text += text === '' ? part : `.${part}`
    else text += `[${JSON.stringify(part)}]`
  }
  return text
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`
  if (typeof value === 'number') return `a number (${value})`
  if (typeof value === 'boolean') return `a boolean (${value})`
  return typeof value
}

const primitiveNames: Record<Primitive, string> = {
  string: 'a string',
  integer: 'an integer',
  long: 'an integer',
  boolean: 'true or false',
  double: 'a number',
  timestamp: 'a timestamp',
  blob: 'a string'
}

function expected(ref: TypeRef): string {
  switch (ref.kind) {
    case 'primitive':
      return primitiveNames[ref.name]
    case 'list':
      return 'a list'
    case 'map':
      return 'an object of strings'
    case 'enum':
      return 'a string'
    case 'structure':
      return 'an object'
  }
}

/**
 * Checks a parsed definition against an ECS request shape and builds the value to send: keys spelled as the
 * API spells them, nulls dropped, unknown keys left out. Problems are collected, not thrown, so one pass
 * reports every problem in a file.
 */
export class Checker {
  readonly issues: Issue[] = []

  constructor(private readonly options: CheckOptions) {}

  root(value: unknown, shapeName: string, path: JsonPath): Record<string, unknown> | undefined {
    return this.structure(value, structure(shapeName), path, true)
  }

  check(value: unknown, ref: TypeRef, path: JsonPath): unknown {
    switch (ref.kind) {
      case 'structure':
        return this.structure(value, structure(ref.name), path, false)
      case 'list':
        return this.list(value, ref.of, path)
      case 'map':
        return this.map(value, ref.of, path)
      case 'enum':
        return this.enumValue(value, ref.name, ref.values, path)
      case 'primitive':
        return this.primitive(value, ref.name, path)
    }
  }

  private error(path: JsonPath, message: string, hint?: string): undefined {
    this.issues.push({ severity: 'error', path, message, hint })
    return undefined
  }

  private warning(path: JsonPath, message: string): void {
    this.issues.push({ severity: 'warning', path, message })
  }

  private wrongType(value: unknown, ref: TypeRef, path: JsonPath, hint?: string): undefined {
    return this.error(
      path,
      `${displayPath(path)} must be ${expected(ref)}, not ${describeValue(value)}`,
      hint
    )
  }

  private structure(
    value: unknown,
    shape: StructureShape,
    path: JsonPath,
    isRoot: boolean
  ): Record<string, unknown> | undefined {
    if (!isPlainObject(value)) return this.wrongType(value, { kind: 'structure', name: shape.name }, path)
    const out: Record<string, unknown> = {}
    const present = new Set<string>()
    const spelledAs = new Map<string, string>()
    for (const [key, item] of Object.entries(value)) {
      const keyPath = [...path, key]
      if (isRoot && this.rootKey(key, keyPath)) continue
      // Go's encoding/json matches field names without regard to case, so ecspresso reads `Family` and
      // `family` alike; the value is sent under the API's spelling.
      const member = shape.members.has(key) ? key : shape.byLowerName.get(key.toLowerCase())
      if (member === undefined) {
        this.unknownKey(key, shape, path)
        continue
      }
      const earlier = spelledAs.get(member)
      if (earlier !== undefined) {
        this.error(
          keyPath,
          `${displayPath(keyPath)} repeats '${earlier}' (keys are matched without regard to case)`
        )
        continue
      }
      spelledAs.set(member, key)
      // null means "not set" (ecspresso drops nulls before decoding); it is neither sent nor an error.
      if (item === null) continue
      present.add(member)
      if (this.options.dropEmptyLists && Array.isArray(item) && item.length === 0) continue
      const checked = this.check(item, shape.members.get(member)!, keyPath)
      if (checked !== undefined) out[member] = checked
    }
    const notRequired = isRoot ? (this.options.rootNotRequired ?? []) : []
    for (const name of shape.required) {
      if (present.has(name) || notRequired.includes(name)) continue
      const where = displayPath(path)
      this.error(path, `${where === '' ? 'the definition' : where} is missing required key '${name}'`)
    }
    return out
  }

  /** Applies the rule for a top-level key that is read-only or ignored; true when the key was handled. */
  private rootKey(key: string, keyPath: JsonPath): boolean {
    const rule = this.options.rootKeys(key.toLowerCase())
    if (rule?.action === 'ignore') this.warning(keyPath, `${displayPath(keyPath)} is ignored: ${rule.why}`)
    return rule !== undefined
  }

  private unknownKey(key: string, shape: StructureShape, path: JsonPath): void {
    const keyPath = [...path, key]
    const near = closest(key, shape.members.keys())
    const within = displayPath(path)
    if (near !== undefined) {
      this.error(
        keyPath,
        `unknown key '${key}' in ${within === '' ? 'the definition' : within}`,
        `did you mean '${near}'?`
      )
      return
    }
    // ecspresso warns about unknown fields and decodes the rest (so migrated files keep working); so do we.
    this.warning(
      keyPath,
      `${displayPath(keyPath)} is not a field of ECS ${this.options.operation}; it is not sent`
    )
  }

  private list(value: unknown, of: TypeRef, path: JsonPath): unknown[] | undefined {
    if (!Array.isArray(value)) {
      const hint =
        of.kind === 'primitive' || of.kind === 'enum'
          ? `write it as a list: [${JSON.stringify(value)}]`
          : undefined
      return this.wrongType(value, { kind: 'list', of }, path, hint)
    }
    const out: unknown[] = []
    value.forEach((item: unknown, index) => {
      const itemPath = [...path, index]
      if (item === null) {
        this.error(itemPath, `${displayPath(itemPath)} is null`, 'remove it from the list')
        return
      }
      const checked = this.check(item, of, itemPath)
      if (checked !== undefined) out.push(checked)
    })
    return out
  }

  private map(value: unknown, of: TypeRef, path: JsonPath): Record<string, unknown> | undefined {
    if (!isPlainObject(value)) return this.wrongType(value, { kind: 'map', of }, path)
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      if (item === null) continue
      const checked = this.check(item, of, [...path, key])
      if (checked !== undefined) out[key] = checked
    }
    return out
  }

  private enumValue(
    value: unknown,
    name: string,
    values: readonly string[],
    path: JsonPath
  ): string | undefined {
    if (typeof value !== 'string') return this.wrongType(value, { kind: 'enum', name, values }, path)
    if (values.includes(value)) return value
    const sameLetters = values.find(v => v.toLowerCase() === value.toLowerCase())
    const near = sameLetters ?? closest(value, values)
    const where = displayPath(path)
    if (near !== undefined) {
      return this.error(
        path,
        `${where} is ${JSON.stringify(value)}, which ECS does not accept`,
        `use ${JSON.stringify(near)}`
      )
    }
    // New values appear in the API before these shapes are regenerated; let ECS be the judge.
    this.warning(
      path,
      `${where} is ${JSON.stringify(value)}, not one of the known values (${values.join(', ')}); it is sent as is`
    )
    return value
  }

  private primitive(value: unknown, name: Primitive, path: JsonPath): unknown {
    const ref: TypeRef = { kind: 'primitive', name }
    switch (name) {
      case 'string':
      case 'blob':
        if (typeof value === 'string') return value
        // ecspresso decodes with Go's encoding/json, which rejects a number or boolean for a string field
        // (`"cpu": 256` fails there too), so this is an error rather than a silent conversion.
        if (typeof value === 'number' || typeof value === 'boolean') {
          return this.wrongType(value, ref, path, `quote it: "${String(value)}"`)
        }
        return this.wrongType(value, ref, path)
      case 'integer':
      case 'long': {
        if (typeof value === 'number' && Number.isInteger(value)) {
          const inRange =
            name === 'integer' ? value >= INT32_MIN && value <= INT32_MAX : Number.isSafeInteger(value)
          if (inRange) return value
          return this.error(
            path,
            `${displayPath(path)} is ${value}, out of range for ${name === 'integer' ? 'a 32-bit' : 'a 64-bit'} integer`
          )
        }
        const hint =
          typeof value === 'string' && /^-?\d+$/.test(value.trim())
            ? `write ${value.trim()} without quotes`
            : undefined
        return this.wrongType(value, ref, path, hint)
      }
      case 'double':
        if (typeof value === 'number' && Number.isFinite(value)) return value
        return this.wrongType(value, ref, path)
      case 'boolean': {
        if (typeof value === 'boolean') return value
        const hint = value === 'true' || value === 'false' ? `write ${value} without quotes` : undefined
        return this.wrongType(value, ref, path, hint)
      }
      case 'timestamp':
        if (typeof value === 'string' || typeof value === 'number') return value
        return this.wrongType(value, ref, path)
    }
  }
}
