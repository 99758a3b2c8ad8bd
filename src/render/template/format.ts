/**
 * Go's view of JavaScript values: type names, truth, and fmt-style printing (`%v`, Sprint, Sprintf).
 * Integral numbers behave as Go `int`, other numbers as `float64`.
 */

export function isMap(value: unknown): value is Record<string, unknown> | Map<unknown, unknown> {
  return value instanceof Map || (typeof value === 'object' && value !== null && !Array.isArray(value))
}

export function mapEntries(value: Record<string, unknown> | Map<unknown, unknown>): [unknown, unknown][] {
  const entries: [unknown, unknown][] = value instanceof Map ? [...value.entries()] : Object.entries(value)
  return entries.sort(([a], [b]) => compareKeys(a, b))
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 63
}

export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int64'
  if (typeof value === 'number') return isInt(value) ? 'int' : 'float64'
  if (typeof value === 'function') return 'func'
  if (Array.isArray(value)) return '[]interface {}'
  return 'map[string]interface {}'
}

/** Go's `truth`: empty string, 0, false, nil, empty list and empty map are false. */
export function isTrue(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (typeof value === 'string') return value.length > 0
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value)
  if (typeof value === 'bigint') return value !== 0n
  if (typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.length > 0
  if (value instanceof Map) return value.size > 0
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.keys(value).length > 0
  }
  return true
}

/** A float64 as Go's `%v` prints it: shortest digits, exponent form below 1e-4 or from 1e6 (`1e+06`). */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const [mantissa, exp] = value.toExponential().split('e') as [string, string]
  const exponent = Number(exp)
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${goExponent(exponent)}`
  return String(value)
}

function goExponent(exponent: number): string {
  return (exponent < 0 ? '-' : '+') + String(Math.abs(exponent)).padStart(2, '0')
}

/** `%v` of a value, as fmt.Sprint prints one operand. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return isInt(value) ? String(value) : formatFloat(value)
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (typeof value === 'function') return `func`
  if (Array.isArray(value)) return `[${value.map(formatValue).join(' ')}]`
  if (value instanceof Date) return value.toISOString()
  if (isMap(value)) {
    return `map[${mapEntries(value)
      .map(([k, v]) => `${formatValue(k)}:${formatValue(v)}`)
      .join(' ')}]`
  }
  return typeof value === 'symbol' ? value.toString() : ''
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = ''
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' '
    out += formatValue(arg)
  })
  return out
}

export function sprintln(args: readonly unknown[]): string {
  return args.map(formatValue).join(' ') + '\n'
}

/** Go's strconv.Quote. */
export function quote(text: string): string {
  let out = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    const simple: Record<string, string> = {
      '"': '\\"',
      '\\': '\\\\',
      '\x07': '\\a',
      '\b': '\\b',
      '\f': '\\f',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
      '\v': '\\v'
    }
    if (simple[ch] !== undefined) out += simple[ch]
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (
      (code >= 0x80 && code <= 0xa0) ||
      code === 0xad ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0xfeff
    ) {
      out += `\\u${code.toString(16).padStart(4, '0')}`
    } else out += ch
  }
  return out + '"'
}

interface Spec {
  minus: boolean
  plus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  width: number | undefined
  precision: number | undefined
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined || text.length >= spec.width) return text
  const fill = spec.width - text.length
  if (spec.minus) return text + ' '.repeat(fill)
  if (spec.zero && numeric) {
    const sign = /^[+-]/.test(text) ? text[0]! : ''
    return sign + '0'.repeat(fill) + text.slice(sign.length)
  }
  return ' '.repeat(fill) + text
}

function bad(verb: string, value: unknown): string {
  if (value === null || value === undefined) return `%!${verb}(<nil>)`
  return `%!${verb}(${goTypeName(value)}=${formatValue(value)})`
}

function signed(text: string, negative: boolean, spec: Spec): string {
  if (negative) return '-' + text
  if (spec.plus) return '+' + text
  if (spec.space) return ' ' + text
  return text
}

function formatInteger(value: number, verb: string, spec: Spec): string | undefined {
  const abs = Math.abs(value)
  const negative = value < 0
  switch (verb) {
    case 'd':
    case 'v':
      return signed(String(abs), negative, spec)
    case 'b':
      return signed(abs.toString(2), negative, spec)
    case 'o':
      return signed((spec.sharp ? '0' : '') + abs.toString(8), negative, spec)
    case 'O':
      return signed('0o' + abs.toString(8), negative, spec)
    case 'x':
      return signed((spec.sharp ? '0x' : '') + abs.toString(16), negative, spec)
    case 'X':
      return signed((spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase(), negative, spec)
    case 'c':
      return String.fromCodePoint(value)
    case 'q':
      return `'${String.fromCodePoint(value).replace(/'/g, "\\'")}'`
    case 'U':
      return 'U+' + abs.toString(16).toUpperCase().padStart(4, '0')
    default:
      return undefined
  }
}

function formatFloatVerb(value: number, verb: string, spec: Spec): string | undefined {
  const negative = value < 0 || Object.is(value, -0)
  const abs = Math.abs(value)
  if (!Number.isFinite(value)) return signed(Number.isNaN(value) ? 'NaN' : 'Inf', negative, spec)
  switch (verb) {
    case 'v':
    case 'g':
    case 'G': {
      let text: string
      if (spec.precision === undefined) text = formatFloat(abs)
      else {
        const p = Math.max(spec.precision, 1)
        const [m, e] = abs.toExponential(p - 1).split('e') as [string, string]
        const exponent = Number(e)
        text =
          exponent < -4 || exponent >= p
            ? `${m.includes('.') ? m.replace(/\.?0+$/, '') : m}e${goExponent(exponent)}`
            : String(Number(abs.toPrecision(p)))
      }
      if (verb === 'G') text = text.toUpperCase()
      return signed(text, negative, spec)
    }
    case 'e':
    case 'E': {
      const [m, e] = abs.toExponential(spec.precision ?? 6).split('e') as [string, string]
      const text = `${m}e${goExponent(Number(e))}`
      return signed(verb === 'E' ? text.toUpperCase() : text, negative, spec)
    }
    case 'f':
    case 'F':
      return signed(abs.toFixed(Math.min(spec.precision ?? 6, 100)), negative, spec)
    default:
      return undefined
  }
}

function hexBytes(text: string, upper: boolean, spec: Spec): string {
  const hex = Buffer.from(text, 'utf8').toString('hex')
  const out = spec.sharp ? '0x' + hex : hex
  return upper ? out.toUpperCase() : out
}

function formatOne(value: unknown, verb: string, spec: Spec): string {
  if (Array.isArray(value) && verb !== 'T') {
    return `[${value.map(v => formatOne(v, verb, { ...spec, width: undefined })).join(' ')}]`
  }
  if (isMap(value) && !(value instanceof Date) && verb !== 'T') {
    const inner = { ...spec, width: undefined }
    return `map[${mapEntries(value)
      .map(([k, v]) => `${formatOne(k, verb, inner)}:${formatOne(v, verb, inner)}`)
      .join(' ')}]`
  }
  if (verb === 'T') return goTypeName(value)
  if (value === null || value === undefined) return verb === 'v' ? '<nil>' : bad(verb, value)
  if (typeof value === 'boolean') return verb === 'v' || verb === 't' ? String(value) : bad(verb, value)
  if (typeof value === 'bigint') return formatInteger(Number(value), verb, spec) ?? bad(verb, value)
  if (typeof value === 'number') {
    const out = isInt(value) ? formatInteger(value, verb, spec) : formatFloatVerb(value, verb, spec)
    return out ?? bad(verb, value)
  }
  if (typeof value === 'string') {
    const text = spec.precision !== undefined ? [...value].slice(0, spec.precision).join('') : value
    switch (verb) {
      case 's':
      case 'v':
        return text
      case 'q':
        return quote(text)
      case 'x':
      case 'X':
        return hexBytes(text, verb === 'X', spec)
      default:
        return bad(verb, value)
    }
  }
  return verb === 'v' || verb === 's' ? formatValue(value) : bad(verb, value)
}

/** Go's fmt.tooLarge: a width or precision it refuses. */
function tooLarge(n: number): boolean {
  return n > 1e6 || n < -1e6
}

/** fmt.Sprintf with Go's verbs and flags, and its `%!verb(type=value)` reports for mismatches. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = ''
  let argIndex = 0
  let i = 0
  while (i < format.length) {
    const percent = format.indexOf('%', i)
    if (percent === -1) {
      out += format.slice(i)
      break
    }
    out += format.slice(i, percent)
    i = percent + 1
    const spec: Spec = {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      precision: undefined
    }
    for (; i < format.length; i++) {
      const c = format[i]
      if (c === '-') spec.minus = true
      else if (c === '+') spec.plus = true
      else if (c === '#') spec.sharp = true
      else if (c === ' ') spec.space = true
      else if (c === '0') spec.zero = true
      else break
    }
    // Go caps widths and precisions at 10^6: a `*` argument beyond prints %!(BADWIDTH) or %!(BADPREC); digits
    // beyond (parsenum) consume the rest of the format, which then has no verb.
    const readNumber = (bad: string): number | null | undefined => {
      if (format[i] === '*') {
        i++
        const arg = args[argIndex++]
        if (isInt(arg) && !tooLarge(arg)) return arg
        out += bad
        return null
      }
      let num: number | undefined
      for (; i < format.length && format[i]! >= '0' && format[i]! <= '9'; i++) {
        if (num !== undefined && tooLarge(num)) {
          i = format.length
          return undefined
        }
        num = (num ?? 0) * 10 + Number(format[i])
      }
      return num
    }
    spec.width = readNumber('%!(BADWIDTH)') ?? undefined
    if (format[i] === '.') {
      i++
      const precision = readNumber('%!(BADPREC)')
      spec.precision = precision === null ? undefined : (precision ?? 0)
    }
    const verb = format[i]
    if (verb === undefined) {
      out += '%!(NOVERB)'
      break
    }
    i++
    if (verb === '%') {
      out += '%'
      continue
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    const value = args[argIndex++]
    const numeric = typeof value === 'number' || typeof value === 'bigint'
    out += pad(formatOne(value, verb, spec), spec, numeric)
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map(v => (v === null || v === undefined ? '<nil>' : `${goTypeName(v)}=${formatValue(v)}`))
      .join(', ')})`
  }
  return out
}
