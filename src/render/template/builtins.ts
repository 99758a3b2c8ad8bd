/** Go text/template's predefined functions (`and` and `or` are evaluated lazily by the executor). */
import {
  decodeUtf8,
  floatOf,
  goTypeName,
  intOf,
  isMap,
  isPrint,
  isTrue,
  kindOf,
  sprint,
  sprintf,
  sprintln
} from './format.js'

/** A problem in how a builtin was called, reported without the `error calling` prefix (as Go does). */
export class CallShapeError extends Error {}

type Builtin = (...args: unknown[]) => unknown

function arity(name: string, args: readonly unknown[], want: number): void {
  if (args.length !== want)
    throw new CallShapeError(`wrong number of args for ${name}: want ${want} got ${args.length}`)
}

/** Go checks a variadic function's fixed parameters before calling it. */
function atLeast(name: string, args: readonly unknown[], want: number): void {
  if (args.length < want)
    throw new CallShapeError(`wrong number of args for ${name}: want at least ${want} got ${args.length}`)
}

type Basic = 'bool' | 'int' | 'float' | 'string'

/** Go's basicKind: the kinds eq and lt compare; others are errors (or, for eq, compared as nil or not). */
function basic(value: unknown): Basic | undefined {
  const kind = kindOf(value)
  return kind === 'bool' || kind === 'int' || kind === 'float' || kind === 'string' ? kind : undefined
}

function compareBasic(kind: Basic, a: unknown, b: unknown): number {
  switch (kind) {
    case 'int': {
      const [x, y] = [intOf(a), intOf(b)]
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 'float': {
      const [x, y] = [floatOf(a), floatOf(b)]
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN
    }
    default: {
      const [x, y] = [a as string | boolean, b as string | boolean]
      return x < y ? -1 : x > y ? 1 : 0
    }
  }
}

function incompatible(a: unknown, b: unknown): Error {
  return new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`)
}

const isNil = (value: unknown): boolean => value === null || value === undefined

function equal(a: unknown, b: unknown): boolean {
  const ka = basic(a)
  const kb = basic(b)
  if (ka !== kb) {
    // Go compares with nil (no value) as unequal rather than failing.
    if (!isNil(a) && !isNil(b)) throw incompatible(a, b)
    return false
  }
  if (ka !== undefined) return compareBasic(ka, a, b) === 0
  if (isNil(a) || isNil(b)) return isNil(a) === isNil(b)
  throw new Error(`non-comparable type ${goTypeName(a)}`)
}

function less(name: string, args: readonly unknown[]): boolean {
  arity(name, args, 2)
  const [a, b] = args
  const ka = basic(a)
  const kb = basic(b)
  if (ka === undefined || kb === undefined) throw new Error('invalid type for comparison')
  if (ka !== kb) throw incompatible(a, b)
  if (ka === 'bool') throw new Error('invalid type for comparison')
  return compareBasic(ka, a, b) < 0
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function toIndex(value: unknown, what: string): number {
  if (kindOf(value) !== 'int') throw new Error(`cannot index ${what} with type ${goTypeName(value)}`)
  return Number(intOf(value))
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
  if (typeof item === 'string') return decodeUtf8(Buffer.from(item, 'utf8').subarray(start, end))
  return item.slice(start, end)
}

/** Go's evalArgs for html, js and urlquery: "no value" for nil, else fmt.Sprint. */
function textOf(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0]
  return sprint(args.map(arg => (arg === null || arg === undefined ? '<no value>' : arg)))
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

/** Go's JSEscape: quotes and backslash escaped, <>&= and controls as \\u00XX, unprintable runes (U+2028,
 * NBSP, zero-width characters) as \\uXXXX. */
function jsEscape(args: readonly unknown[]): string {
  let out = ''
  for (const ch of textOf(args)) {
    const code = ch.codePointAt(0)!
    if (ch === '\\' || ch === "'" || ch === '"') out += '\\' + ch
    else if (ch === '<' || ch === '>' || ch === '&' || ch === '=' || code < 0x20) {
      out += '\\u' + code.toString(16).toUpperCase().padStart(4, '0')
    } else if (code >= 0x80 && !isPrint(ch)) {
      const rune = code >= 0xd800 && code < 0xe000 ? 0xfffd : code
      out += '\\u' + rune.toString(16).toUpperCase().padStart(4, '0')
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
  eq: (...args) => {
    atLeast('eq', args, 1)
    const [first, ...rest] = args
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
  index: (...args) => {
    atLeast('index', args, 1)
    const [item, ...keys] = args
    if (isNil(item)) throw new Error('index of untyped nil')
    return keys.reduce(indexOne, item)
  },
  slice: (...args) => {
    atLeast('slice', args, 1)
    return slice(args[0], ...args.slice(1))
  },
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
