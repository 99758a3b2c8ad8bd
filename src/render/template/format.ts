/**
 * Go's view of JavaScript values: type names, truth, and fmt-style printing (`%v`, Sprint, Sprintf), ported
 * from Go's fmt and strconv (facts, not code). A JS number that is integral is a Go `int`, any other number
 * a `float64`; a bigint is an `int` beyond 2^53; a GoFloat is a `float64` whatever its value (`1.0`, `1e6`).
 */

/** A float64 written as a float constant (`1.0`, `1e6`): Go keeps it apart from the int of the same value. */
export class GoFloat {
  constructor(readonly value: number) {}
}

export function isMap(value: unknown): value is Record<string, unknown> | Map<unknown, unknown> {
  return (
    value instanceof Map ||
    (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof GoFloat))
  )
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

export type Kind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'func' | 'other'

export function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'nil'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int'
  if (typeof value === 'number') return isInt(value) ? 'int' : 'float'
  if (value instanceof GoFloat) return 'float'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'function') return 'func'
  if (Array.isArray(value)) return 'slice'
  if (isMap(value)) return 'map'
  return 'other'
}

/** An int value as a bigint (callers check kindOf first). */
export function intOf(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(value as number)
}

/** A float value as a number (callers check kindOf first). */
export function floatOf(value: unknown): number {
  return value instanceof GoFloat ? value.value : (value as number)
}

export function goTypeName(value: unknown): string {
  switch (kindOf(value)) {
    case 'nil':
      return '<nil>'
    case 'bool':
      return 'bool'
    case 'int':
      return 'int'
    case 'float':
      return 'float64'
    case 'string':
      return 'string'
    case 'func':
      return 'func'
    case 'slice':
      return '[]interface {}'
    default:
      return 'map[string]interface {}'
  }
}

/** Go's `truth`: empty string, 0, false, nil, empty list and empty map are false. */
export function isTrue(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (typeof value === 'string') return value.length > 0
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value)
  if (value instanceof GoFloat) return value.value !== 0 && !Number.isNaN(value.value)
  if (typeof value === 'bigint') return value !== 0n
  if (typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.length > 0
  if (value instanceof Map) return value.size > 0
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.keys(value).length > 0
  }
  return true
}

// ---- decimal digits of a float64, as strconv computes them ----

/** `0.d × 10^dp`, d without trailing zeros ('' for zero). */
interface Digits {
  d: string
  dp: number
}

/** Shortest digits that read back as the same float64 (JS and Go both pick the closest such). */
function shortestDigits(abs: number): Digits {
  if (abs === 0) return { d: '', dp: 0 }
  const [m, e] = abs.toExponential().split('e') as [string, string]
  return { d: m.replace('.', '').replace(/0+$/, ''), dp: Number(e) + 1 }
}

function float64Bits(abs: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, abs)
  const bits = view.getBigUint64(0)
  const biased = Number((bits >> 52n) & 0x7ffn)
  const frac = bits & ((1n << 52n) - 1n)
  // value = mant × 2^exp
  return biased === 0 ? { mant: frac, exp: -1074 } : { mant: frac | (1n << 52n), exp: biased - 1075 }
}

/** Every decimal digit of the binary value: Go rounds the exact value, so 2.675 is 2.67499999…. */
function exactDigits(abs: number): Digits {
  if (abs === 0) return { d: '', dp: 0 }
  const { mant, exp } = float64Bits(abs)
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString()
    return { d: s.replace(/0+$/, ''), dp: s.length }
  }
  const s = (mant * 5n ** BigInt(-exp)).toString()
  return { d: s.replace(/0+$/, ''), dp: s.length + exp }
}

/** strconv's decimal.Round(nd): keep nd digits, ties to even. */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x
  const next = x.d.charCodeAt(nd) - 48
  const up =
    next > 5 || (next === 5 && (nd + 1 < x.d.length || (nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1)))
  if (!up) return { d: x.d.slice(0, nd).replace(/0+$/, ''), dp: x.dp }
  let i = nd - 1
  while (i >= 0 && x.d[i] === '9') i--
  if (i < 0) return { d: '1', dp: x.dp + 1 }
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp }
}

function exponent(e: number, letter: string): string {
  const abs = Math.abs(e)
  return `${letter}${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`
}

function fmtE(x: Digits, prec: number, letter: string): string {
  let out = x.d[0] ?? '0'
  // prec may be up to 10^6: slice and pad rather than add digit by digit
  if (prec > 0) out += '.' + x.d.slice(1, prec + 1).padEnd(prec, '0')
  const exp = x.d === '' ? 0 : x.dp - 1
  return out + exponent(exp, letter)
}

function fmtF(x: Digits, prec: number): string {
  const out = x.dp > 0 ? x.d.slice(0, x.dp).padEnd(x.dp, '0') : '0'
  if (prec <= 0) return out
  // fraction digit i (1-based) is d[dp + i - 1], or 0 outside d
  const lead = Math.min(Math.max(-x.dp, 0), prec)
  const digits = x.d.slice(Math.max(x.dp, 0), Math.max(x.dp, 0) + prec - lead)
  return `${out}.${'0'.repeat(lead)}${digits}`.padEnd(out.length + 1 + prec, '0')
}

/** strconv 'x': hexadecimal mantissa and binary exponent (`0x1.8p+00`), prec -1 for as many as needed. */
function fmtHexFloat(abs: number, prec: number, upper: boolean): string {
  let { mant, exp } = abs === 0 ? { mant: 0n, exp: 0 } : float64Bits(abs)
  // strconv's exp is for mant with 52 fraction bits
  exp += 52
  if (mant === 0n) exp = 0
  const one = 1n << 60n
  mant <<= 8n
  while (mant !== 0n && (mant & one) === 0n) {
    mant <<= 1n
    exp--
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4)
    const extra = (mant << shift) & (one - 1n)
    mant >>= 60n - shift
    if ((extra | (mant & 1n)) > 1n << 59n) mant++
    mant <<= 60n - shift
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n
      exp++
    }
  }
  const hex = upper ? '0123456789ABCDEF' : '0123456789abcdef'
  let out = `0${upper ? 'X' : 'x'}${(mant >> 60n) & 1n}`
  mant = (mant << 4n) & ((1n << 64n) - 1n)
  const digit = () => {
    const c = hex[Number((mant >> 60n) & 15n)]!
    mant = (mant << 4n) & ((1n << 64n) - 1n)
    return c
  }
  if (prec < 0 && mant !== 0n) {
    out += '.'
    while (mant !== 0n) out += digit()
  } else if (prec > 0) {
    out += '.'
    let i = 0
    for (; i < prec && mant !== 0n; i++) out += digit()
    out += '0'.repeat(prec - i)
  }
  const e = Math.abs(exp)
  return `${out}${upper ? 'P' : 'p'}${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
}

/** strconv.FormatFloat(abs, verb, prec, 64) for a finite, non-negative value. */
function formatFloatAbs(abs: number, verb: string, prec: number): string {
  switch (verb) {
    case 'b': {
      const { mant, exp } = float64Bits(abs)
      return `${mant}p${exp >= 0 ? '+' : ''}${exp}`
    }
    case 'x':
    case 'X':
      return fmtHexFloat(abs, prec, verb === 'X')
    case 'e':
    case 'E': {
      const x = prec < 0 ? shortestDigits(abs) : roundDigits(exactDigits(abs), prec + 1)
      return fmtE(x, prec < 0 ? Math.max(x.d.length - 1, 0) : prec, verb)
    }
    case 'f': {
      if (prec < 0) {
        const x = shortestDigits(abs)
        return fmtF(x, Math.max(x.d.length - x.dp, 0))
      }
      const exact = exactDigits(abs)
      return fmtF(roundDigits(exact, exact.dp + prec), prec)
    }
    default: {
      // 'g', 'G'
      const shortest = prec < 0
      let x: Digits
      let p = prec
      if (shortest) {
        x = shortestDigits(abs)
        p = x.d.length
      } else {
        if (p === 0) p = 1
        x = roundDigits(exactDigits(abs), p)
      }
      let eprec = p
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length
      if (shortest) eprec = 6
      const exp = x.dp - 1
      if (x.d !== '' && (exp < -4 || exp >= eprec)) {
        if (p > x.d.length) p = x.d.length
        return fmtE(x, Math.max(p - 1, 0), verb === 'G' ? 'E' : 'e')
      }
      if (x.d === '') return '0'
      if (p > x.dp) p = x.d.length
      return fmtF(x, Math.max(p - x.dp, 0))
    }
  }
}

/** A float64 as Go's `%v` prints it (strconv 'g', shortest). */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  const negative = value < 0 || Object.is(value, -0)
  return (negative ? '-' : '') + formatFloatAbs(Math.abs(value), 'g', -1)
}

/** `%v` of a value, as fmt.Sprint prints one operand. */
export function formatValue(value: unknown): string {
  return sprintf('%v', [value])
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

/**
 * Bytes to text as Go code reading them sees it (utf8.DecodeRune): each byte that does not start a valid
 * sequence is one U+FFFD (TextDecoder would make one of a whole truncated sequence).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  let out = ''
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!
    const size =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0
    if (size === 1) {
      out += String.fromCharCode(b)
      i++
      continue
    }
    try {
      if (size === 0 || i + size > bytes.length) throw new Error('invalid')
      out += decoder.decode(bytes.subarray(i, i + size))
      i += size
    } catch {
      out += '\ufffd'
      i++
    }
  }
  return out
}

// ---- quoting, as strconv does ----

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch)
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v'
}

function escapedRune(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote || ch === '\\') return '\\' + ch
  let code = ch.codePointAt(0)!
  if (asciiOnly ? code < 0x80 && isPrint(ch) : isPrint(ch)) return ch
  const simple = ESCAPES[ch]
  if (simple) return simple
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`
  if (code >= 0xd800 && code < 0xe000) code = 0xfffd
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`
  return `\\U${code.toString(16).padStart(8, '0')}`
}

/** strconv.Quote (or QuoteToASCII). */
export function quote(text: string, asciiOnly = false): string {
  let out = '"'
  for (const ch of text) out += escapedRune(ch, '"', asciiOnly)
  return out + '"'
}

function quoteRune(code: number, asciiOnly: boolean): string {
  return `'${escapedRune(String.fromCodePoint(code), "'", asciiOnly)}'`
}

function canBackquote(text: string): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code === 0xfeff || (code >= 0xd800 && code < 0xe000)) return false
    if ((code < 0x20 && ch !== '\t') || ch === '`' || code === 0x7f) return false
  }
  return true
}

// ---- Sprintf ----

interface Flags {
  minus: boolean
  plus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  plusV: boolean
  sharpV: boolean
  /** undefined when absent */
  wid: number | undefined
  prec: number | undefined
}

const runeCount = (text: string): number => {
  let n = 0
  for (const _ of text) n++
  return n
}

class Printer {
  out = ''
  f: Flags = Printer.clear()

  static clear(): Flags {
    return {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      plusV: false,
      sharpV: false,
      wid: undefined,
      prec: undefined
    }
  }

  padding(n: number): string {
    if (n <= 0) return ''
    return (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n)
  }

  /** fmt.pad: width counts runes; zero padding only where the flag allows it. */
  pad(text: string): void {
    const { wid } = this.f
    if (wid === undefined || wid === 0) {
      this.out += text
      return
    }
    const fill = this.padding(wid - runeCount(text))
    this.out += this.f.minus ? text + fill : fill + text
  }

  /** Pads without zeros (integers and %U pad their own zeros, through the precision). */
  padNoZero(text: string): void {
    const zero = this.f.zero
    this.f.zero = false
    this.pad(text)
    this.f.zero = zero
  }

  badVerb(verb: string, value: unknown): void {
    if (value === null || value === undefined) this.out += `%!${verb}(<nil>)`
    else {
      // Go prints the value with the flags of the directive (`%5z` pads it)
      this.out += `%!${verb}(${goTypeName(value)}=`
      this.printArg(value, 'v')
      this.out += ')'
    }
  }

  printArg(value: unknown, verb: string): void {
    if (value === null || value === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>')
      else this.badVerb(verb, value)
      return
    }
    if (verb === 'T') {
      this.fmtS(goTypeName(value))
      return
    }
    if (verb === 'p') {
      this.badVerb(verb, value)
      return
    }
    this.printValue(value, verb, 0)
  }

  printValue(value: unknown, verb: string, depth: number): void {
    const kind = kindOf(value)
    switch (kind) {
      case 'nil':
        // a nil element of a list or map
        this.out += this.f.sharpV ? 'interface {}(nil)' : '<nil>'
        return
      case 'bool':
        if (verb === 't' || verb === 'v') this.pad(String(value))
        else this.badVerb(verb, value)
        return
      case 'int':
        this.fmtInteger(intOf(value), verb, value)
        return
      case 'float':
        this.fmtFloatVerb(floatOf(value), verb, value)
        return
      case 'string':
        this.fmtString(value as string, verb)
        return
      case 'slice': {
        const items = value as unknown[]
        if (this.f.sharpV) {
          this.out += '[]interface {}{'
          items.forEach((item, i) => {
            if (i > 0) this.out += ', '
            this.printValue(item, verb, depth + 1)
          })
          this.out += '}'
        } else {
          this.out += '['
          items.forEach((item, i) => {
            if (i > 0) this.out += ' '
            this.printValue(item, verb, depth + 1)
          })
          this.out += ']'
        }
        return
      }
      case 'map': {
        const entries = mapEntries(value as Record<string, unknown>)
        this.out += this.f.sharpV ? 'map[string]interface {}{' : 'map['
        entries.forEach(([k, v], i) => {
          if (i > 0) this.out += this.f.sharpV ? ', ' : ' '
          this.printValue(k, verb, depth + 1)
          this.out += ':'
          this.printValue(v, verb, depth + 1)
        })
        this.out += this.f.sharpV ? '}' : ']'
        return
      }
      default:
        if (verb === 'v' || verb === 's') this.pad(typeof value === 'function' ? 'func' : String(value))
        else this.badVerb(verb, value)
    }
  }

  fmtS(text: string): void {
    this.pad(this.truncate(text))
  }

  truncate(text: string): string {
    if (this.f.prec === undefined) return text
    let n = this.f.prec
    let out = ''
    for (const ch of text) {
      if (--n < 0) break
      out += ch
    }
    return out
  }

  fmtString(text: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(text)
        else this.fmtS(text)
        return
      case 's':
        this.fmtS(text)
        return
      case 'x':
      case 'X':
        this.fmtSx(text, verb === 'X')
        return
      case 'q':
        this.fmtQ(text)
        return
      default:
        this.badVerb(verb, text)
    }
  }

  fmtSx(text: string, upper: boolean): void {
    const hex = upper ? '0123456789ABCDEF' : '0123456789abcdef'
    const x = upper ? 'X' : 'x'
    let bytes = Buffer.from(text, 'utf8')
    if (this.f.prec !== undefined && this.f.prec < bytes.length) bytes = bytes.subarray(0, this.f.prec)
    const length = bytes.length
    const { wid, minus, space, sharp } = this.f
    if (length === 0) {
      if (wid !== undefined) this.out += this.padding(wid)
      return
    }
    let width = 2 * length
    if (space) {
      if (sharp) width *= 2
      width += length - 1
    } else if (sharp) width += 2
    if (wid !== undefined && wid > width && !minus) this.out += this.padding(wid - width)
    let s = sharp ? '0' + x : ''
    bytes.forEach((c, i) => {
      if (space && i > 0) s += sharp ? ' 0' + x : ' '
      s += hex[c >> 4]! + hex[c & 15]!
    })
    this.out += s
    if (wid !== undefined && wid > width && minus) this.out += this.padding(wid - width)
  }

  fmtQ(text: string): void {
    const s = this.truncate(text)
    if (this.f.sharp && canBackquote(s)) this.pad('`' + s + '`')
    else this.pad(quote(s, this.f.plus))
  }

  fmtInteger(n: bigint, verb: string, value: unknown): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtIntegerBase(n, 10, verb, false)
        return
      case 'b':
        this.fmtIntegerBase(n, 2, verb, false)
        return
      case 'o':
      case 'O':
        this.fmtIntegerBase(n, 8, verb, false)
        return
      case 'x':
        this.fmtIntegerBase(n, 16, verb, false)
        return
      case 'X':
        this.fmtIntegerBase(n, 16, verb, true)
        return
      case 'c':
        this.pad(String.fromCodePoint(validRune(n)))
        return
      case 'q':
        this.pad(quoteRune(validRune(n), this.f.plus))
        return
      case 'U':
        this.fmtUnicode(BigInt.asUintN(64, n))
        return
      default:
        this.badVerb(verb, value)
    }
  }

  fmtIntegerBase(n: bigint, base: number, verb: string, upper: boolean): void {
    const negative = n < 0n
    let digits = (negative ? -n : n).toString(base)
    if (upper) digits = digits.toUpperCase()
    let prec = 0
    if (this.f.prec !== undefined) {
      prec = this.f.prec
      if (prec === 0 && n === 0n) {
        const zero = this.f.zero
        this.f.zero = false
        this.out += this.padding(this.f.wid ?? 0)
        this.f.zero = zero
        return
      }
    } else if (this.f.zero && !this.f.minus && this.f.wid !== undefined) {
      prec = this.f.wid
      if (negative || this.f.plus || this.f.space) prec--
    }
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits
    }
    if (verb === 'O') digits = '0o' + digits
    if (negative) digits = '-' + digits
    else if (this.f.plus) digits = '+' + digits
    else if (this.f.space) digits = ' ' + digits
    this.padNoZero(digits)
  }

  fmtUnicode(u: bigint): void {
    let prec = 4
    if (this.f.prec !== undefined && this.f.prec > 4) prec = this.f.prec
    let hex = u.toString(16).toUpperCase()
    if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex
    let out = 'U+' + hex
    if (this.f.sharp && u <= 0x10ffffn) {
      const ch = String.fromCodePoint(validRune(u))
      if (u === BigInt(ch.codePointAt(0)!) && isPrint(ch)) out += ` '${ch}'`
    }
    this.padNoZero(out)
  }

  fmtFloatVerb(v: number, verb: string, value: unknown): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(v, 'g', -1)
        return
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(v, verb, -1)
        return
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloat(v, verb, 6)
        return
      case 'F':
        this.fmtFloat(v, 'f', 6)
        return
      default:
        this.badVerb(verb, value)
    }
  }

  /** fmt.fmtFloat: sign, NaN/Inf, the # flag's kept zeros, zero padding after the sign. */
  fmtFloat(v: number, verb: string, defaultPrec: number): void {
    const prec = this.f.prec ?? defaultPrec
    const negative = v < 0 || Object.is(v, -0)
    let body: string
    if (Number.isNaN(v)) body = 'NaN'
    else if (!Number.isFinite(v)) body = 'Inf'
    else body = formatFloatAbs(Math.abs(v), verb, prec)
    let num = (negative ? '-' : '+') + body
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1)
    if (body === 'Inf' || body === 'NaN') {
      if (body === 'NaN' && !this.f.space && !this.f.plus) num = num.slice(1)
      this.padNoZero(num)
      return
    }
    if (this.f.sharp && verb !== 'b') {
      let digits = 0
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec
      let tail = ''
      let head = num
      const cut = verb === 'x' || verb === 'X' ? head.search(/[pP]/) : head.search(/[eEpP]/)
      if (cut !== -1) {
        tail = head.slice(cut)
        head = head.slice(0, cut)
      }
      let sawNonzero = false
      for (const c of head.slice(1)) {
        if (c === '.') continue
        if (c !== '0') sawNonzero = true
        if (sawNonzero) digits--
      }
      if (!head.includes('.')) {
        if (head.length === 2 && head[1] === '0') digits--
        head += '.'
      }
      while (digits-- > 0) head += '0'
      num = head + tail
    }
    if (this.f.plus || num[0] !== '+') {
      const { wid } = this.f
      if (this.f.zero && !this.f.minus && wid !== undefined && wid > num.length) {
        this.out += num[0]! + '0'.repeat(wid - num.length) + num.slice(1)
        return
      }
      this.pad(num)
      return
    }
    this.pad(num.slice(1))
  }
}

/** The rune fmt prints for an integer: U+FFFD for anything that is not a valid code point. */
function validRune(n: bigint): number {
  if (n < 0n || n > 0x10ffffn || (n >= 0xd800n && n < 0xe000n)) return 0xfffd
  return Number(n)
}

/** Go's fmt.tooLarge: a width or precision it refuses. */
function tooLarge(n: number): boolean {
  return n > 1e6 || n < -1e6
}

/** fmt's parsenum: digits from i; beyond 10^6 it gives up (and the caller then finds no verb). */
function parseNum(format: string, i: number): { num: number | undefined; i: number } {
  let num: number | undefined
  let j = i
  for (; j < format.length && format[j]! >= '0' && format[j]! <= '9'; j++) {
    if (num !== undefined && tooLarge(num)) return { num: undefined, i: format.length }
    num = (num ?? 0) * 10 + Number(format[j])
  }
  return { num, i: j }
}

const SPRINTF_MAX_CHARS = 64 * 2 ** 20

/** fmt.Sprintf with Go's verbs, flags, argument indexes, and its `%!verb(type=value)` reports. */
export function sprintf(format: string, args: readonly unknown[]): string {
  const p = new Printer()
  const end = format.length
  let argNum = 0
  let afterIndex = false
  let reordered = false
  let goodArgNum = true

  const argNumber = (i: number): { i: number; found: boolean } => {
    if (i >= end || format[i] !== '[') return { i, found: false }
    reordered = true
    // parseArgNumber: "[n]" with n one-based
    const close = end - i < 3 ? -1 : format.indexOf(']', i + 1)
    if (close === -1) {
      goodArgNum = false
      return { i: i + 1, found: false }
    }
    const { num, i: after } = parseNum(format, i + 1)
    if (num === undefined || after !== close) {
      goodArgNum = false
      return { i: close + 1, found: false }
    }
    const index = num - 1
    if (index >= 0 && index < args.length) {
      argNum = index
      return { i: close + 1, found: true }
    }
    goodArgNum = false
    return { i: close + 1, found: true }
  }

  const intFromArg = (): number | undefined => {
    if (argNum >= args.length) return undefined
    const value = args[argNum++]
    if (kindOf(value) !== 'int') return undefined
    const n = intOf(value)
    if (n > 1_000_000n || n < -1_000_000n) return undefined
    return Number(n)
  }

  let i = 0
  while (i < end) {
    // Widths reach 10^6 each; stop long before a JS string's limit (the caller's bound is smaller still).
    if (p.out.length > SPRINTF_MAX_CHARS)
      throw new RangeError(`printf output is larger than ${SPRINTF_MAX_CHARS / 2 ** 20} Mi characters`)
    goodArgNum = true
    const percent = format.indexOf('%', i)
    if (percent === -1) {
      p.out += format.slice(i)
      break
    }
    p.out += format.slice(i, percent)
    i = percent + 1
    p.f = Printer.clear()
    const f = p.f
    for (; i < end; i++) {
      const c = format[i]
      if (c === '#') f.sharp = true
      else if (c === '0') f.zero = true
      else if (c === '+') f.plus = true
      else if (c === '-') f.minus = true
      else if (c === ' ') f.space = true
      else break
    }

    ;({ i, found: afterIndex } = argNumber(i))

    if (i < end && format[i] === '*') {
      i++
      const wid = intFromArg()
      if (wid === undefined) p.out += '%!(BADWIDTH)'
      else {
        f.wid = wid
        if (wid < 0) {
          f.wid = -wid
          f.minus = true
          f.zero = false
        }
      }
      afterIndex = false
    } else {
      const parsed = parseNum(format, i)
      i = parsed.i
      f.wid = parsed.num
      if (afterIndex && f.wid !== undefined) goodArgNum = false
    }

    if (i + 1 < end && format[i] === '.') {
      i++
      if (afterIndex) goodArgNum = false
      ;({ i, found: afterIndex } = argNumber(i))
      if (i < end && format[i] === '*') {
        i++
        const prec = intFromArg()
        // a negative precision is no precision
        if (prec === undefined || prec < 0) p.out += '%!(BADPREC)'
        else f.prec = prec
        afterIndex = false
      } else {
        const parsed = parseNum(format, i)
        i = parsed.i
        f.prec = parsed.num ?? 0
      }
    }

    if (!afterIndex) ({ i, found: afterIndex } = argNumber(i))

    if (i >= end) {
      p.out += '%!(NOVERB)'
      break
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!)
    i += verb.length

    if (verb === '%') p.out += '%'
    else if (!goodArgNum) p.out += `%!${verb}(BADINDEX)`
    else if (argNum >= args.length) p.out += `%!${verb}(MISSING)`
    else {
      if (verb === 'v') {
        f.sharpV = f.sharp
        f.sharp = false
        f.plusV = f.plus
        f.plus = false
      }
      p.printArg(args[argNum], verb)
      argNum++
    }
  }

  if (!reordered && argNum < args.length) {
    p.f = Printer.clear()
    p.out += '%!(EXTRA '
    args.slice(argNum).forEach((arg, j) => {
      if (j > 0) p.out += ', '
      if (arg === null || arg === undefined) p.out += '<nil>'
      else {
        p.out += goTypeName(arg) + '='
        p.printArg(arg, 'v')
      }
    })
    p.out += ')'
  }
  return p.out
}
