/** Go text/template's predefined functions (`and` and `or` are evaluated lazily by the executor). */
import { goTypeName, isInt, isMap, isTrue, sprint, sprintf, sprintln } from './format.js'

/** A problem in how a builtin was called, reported without the `error calling` prefix (as Go does). */
export class CallShapeError extends Error {}

type Builtin = (...args: unknown[]) => unknown

function arity(name: string, args: readonly unknown[], want: number): void {
  if (args.length !== want)
    throw new CallShapeError(`wrong number of args for ${name}: want ${want} got ${args.length}`)
}

type Kind = 'bool' | 'number' | 'string' | 'nil' | 'other'

function kind(value: unknown): Kind {
  if (value === null || value === undefined) return 'nil'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number' || typeof value === 'bigint') return 'number'
  if (typeof value === 'string') return 'string'
  return 'other'
}

function equal(a: unknown, b: unknown): boolean {
  const ka = kind(a)
  const kb = kind(b)
  if (ka === 'nil' || kb === 'nil') return ka === kb
  if (ka !== kb) throw new Error('incompatible types for comparison')
  if (ka === 'other') throw new Error(`non-comparable type ${goTypeName(a)}`)
  // a bigint and a number of the same value are equal, as ints are in Go
  return a == b
}

function less(name: string, args: readonly unknown[]): boolean {
  arity(name, args, 2)
  const [a, b] = args
  const ka = kind(a)
  if (ka !== 'number' && ka !== 'string') throw new Error('invalid type for comparison')
  if (ka !== kind(b)) throw new Error('incompatible types for comparison')
  return (a as number | string) < (b as number | string)
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function toIndex(value: unknown, what: string): number {
  if (typeof value === 'bigint') return Number(value)
  if (!isInt(value)) throw new Error(`cannot index ${what} with type ${goTypeName(value)}`)
  return value
}

function indexOne(item: unknown, key: unknown): unknown {
  if (item === null || item === undefined) throw new Error('index of untyped nil')
  if (Array.isArray(item)) {
    const i = toIndex(key, 'slice')
    if (i < 0 || i >= item.length) throw new Error(`index out of range: ${i}`)
    return item[i]
  }
  if (typeof item === 'string') {
    const bytes = Buffer.from(item, 'utf8')
    const i = toIndex(key, 'string')
    if (i < 0 || i >= bytes.length) throw new Error(`index out of range: ${i}`)
    return bytes[i]
  }
  if (item instanceof Map) return item.get(key)
  if (isMap(item)) {
    if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`)
    return Object.prototype.hasOwnProperty.call(item, key)
      ? (item as Record<string, unknown>)[key]
      : undefined
  }
  throw new Error(`can't index item of type ${goTypeName(item)}`)
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (typeof item !== 'string' && !Array.isArray(item))
    throw new Error(`can't slice item of type ${goTypeName(item)}`)
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`)
  if (indexes.length === 3 && typeof item === 'string') throw new Error('cannot 3-index slice a string')
  const length = typeof item === 'string' ? utf8Length(item) : item.length
  const [start = 0, end = length] = indexes.map(i => toIndex(i, 'slice'))
  if (start < 0 || end < start || end > length) throw new Error(`invalid slice index: ${start} > ${end}`)
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(start, end).toString('utf8')
  return item.slice(start, end)
}

function textOf(args: readonly unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args)
}

function htmlEscape(args: readonly unknown[]): string {
  const map: Record<string, string> = {
    '<': '&lt;',
    '>': '&gt;',
    '&': '&amp;',
    "'": '&#39;',
    '"': '&#34;',
    '\0': '\uFFFD'
  }
  return textOf(args).replace(/[<>&'"\0]/g, c => map[c]!)
}

function jsEscape(args: readonly unknown[]): string {
  let out = ''
  for (const ch of textOf(args)) {
    const code = ch.codePointAt(0)!
    if (ch === '\\' || ch === "'" || ch === '"') out += '\\' + ch
    else if (ch === '<' || ch === '>' || ch === '&' || ch === '=' || code < 0x20) {
      out += '\\u' + code.toString(16).toUpperCase().padStart(4, '0')
    } else out += ch
  }
  return out
}

function urlQuery(args: readonly unknown[]): string {
  return encodeURIComponent(textOf(args))
    .replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+')
}

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  not: (...args) => {
    arity('not', args, 1)
    return !isTrue(args[0])
  },
  eq: (first, ...rest) => {
    if (rest.length === 0) throw new Error('missing argument for comparison')
    return rest.some(other => equal(first, other))
  },
  ne: (...args) => {
    arity('ne', args, 2)
    return !equal(args[0], args[1])
  },
  lt: (...args) => less('lt', args),
  le: (...args) => less('le', args) || equal(args[0], args[1]),
  gt: (...args) => !less('gt', args) && !equal(args[0], args[1]),
  ge: (...args) => !less('ge', args),
  len: (...args) => {
    arity('len', args, 1)
    const [item] = args
    if (typeof item === 'string') return utf8Length(item)
    if (Array.isArray(item)) return item.length
    if (item instanceof Map) return item.size
    if (isMap(item)) return Object.keys(item).length
    throw new Error(`len of type ${goTypeName(item)}`)
  },
  index: (item, ...keys) => keys.reduce(indexOne, item),
  slice,
  print: (...args) => sprint(args),
  println: (...args) => sprintln(args),
  printf: (format, ...args) => {
    if (typeof format !== 'string')
      throw new CallShapeError(`wrong type for value; expected string; got ${goTypeName(format)}`)
    return sprintf(format, args)
  },
  html: (...args) => htmlEscape(args),
  js: (...args) => jsEscape(args),
  urlquery: (...args) => urlQuery(args)
}

/** Names the executor knows without a function map: the builtins plus the lazily evaluated `and`/`or`. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([...Object.keys(BUILTINS), 'and', 'or'])
