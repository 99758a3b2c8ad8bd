/**
 * Lexer for the Go text/template subset: splits a template into text and the tokens inside `{{ … }}`.
 * Trim markers (`{{- ` and ` -}}`) are applied here, so the parser sees already-trimmed text.
 */
import { decodeUtf8 } from './format.js'
import { TemplateSyntaxError } from './positions.js'

export type TokenKind =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'identifier'
  | 'keyword'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'number'
  | 'char'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof'

export interface Token {
  readonly kind: TokenKind
  /** The source text of the token; for `text`, the text after trimming; for `string`, the decoded value. */
  readonly value: string
  /** Offset in the source of the token's first character. */
  readonly pos: number
}

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'break',
  'continue',
  'define',
  'template',
  'block'
])
const SPACE = ' \t\r\n'

const isSpace = (c: string | undefined): boolean => c !== undefined && c !== '' && SPACE.includes(c)
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c)
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'

export function lex(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let trimNextText = false
  const n = source.length

  for (;;) {
    // Text up to the next action.
    let start = i
    let next = source.indexOf('{{', i)
    if (next === -1) next = n
    let end = next
    if (trimNextText) {
      while (start < end && isSpace(source[start])) start++
      trimNextText = false
    }
    const trimLeft = next < n && source[next + 2] === '-' && isSpace(source[next + 3])
    if (trimLeft) while (end > start && isSpace(source[end - 1])) end--
    if (end > start) tokens.push({ kind: 'text', value: source.slice(start, end), pos: start })
    if (next >= n) break

    const actionStart = next
    i = next + 2 + (trimLeft ? 2 : 0)
    tokens.push({ kind: 'leftDelim', value: '{{', pos: actionStart })

    // A comment must follow the delimiter (and trim marker) directly.
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2)
      if (close === -1) throw new TemplateSyntaxError('unclosed comment', actionStart)
      i = close + 2
      const right = atRightDelim(source, i)
      if (!right) throw new TemplateSyntaxError('comment ends before closing delimiter', close)
      tokens.pop() // comments leave no tokens behind
      i += right.length
      trimNextText = right.trim
      continue
    }

    // Inside the action.
    for (;;) {
      const right = atRightDelim(source, i)
      if (right) {
        tokens.push({ kind: 'rightDelim', value: '}}', pos: i })
        i += right.length
        trimNextText = right.trim
        break
      }
      if (i >= n) throw new TemplateSyntaxError('unclosed action', actionStart)
      const c = source[i]!
      const pos = i
      if (isSpace(c)) {
        while (i < n && isSpace(source[i]) && !atRightDelim(source, i)?.trim) i++
        tokens.push({ kind: 'space', value: source.slice(pos, i), pos })
        continue
      }
      if (source.startsWith('/*', i)) throw new TemplateSyntaxError('comment must follow {{ directly', pos)
      switch (c) {
        case '|':
          tokens.push({ kind: 'pipe', value: c, pos })
          i++
          continue
        case '(':
          tokens.push({ kind: 'leftParen', value: c, pos })
          i++
          continue
        case ')':
          tokens.push({ kind: 'rightParen', value: c, pos })
          i++
          continue
        case ',':
          tokens.push({ kind: 'comma', value: c, pos })
          i++
          continue
        case '=':
          tokens.push({ kind: 'assign', value: c, pos })
          i++
          continue
        case ':':
          if (source[i + 1] !== '=') throw new TemplateSyntaxError('expected :=', pos)
          tokens.push({ kind: 'declare', value: ':=', pos })
          i += 2
          continue
        case '"': {
          const [value, after] = lexQuoted(source, i)
          tokens.push({ kind: 'string', value, pos })
          i = after
          continue
        }
        case '`': {
          const close = source.indexOf('`', i + 1)
          if (close === -1) throw new TemplateSyntaxError('unterminated raw quoted string', pos)
          tokens.push({ kind: 'string', value: source.slice(i + 1, close).replace(/\r/g, ''), pos })
          i = close + 1
          continue
        }
        case "'": {
          const [value, after] = lexChar(source, i)
          tokens.push({ kind: 'char', value, pos })
          i = after
          continue
        }
        case '$': {
          i++
          while (i < n && isAlphaNumeric(source[i])) i++
          tokens.push({ kind: 'variable', value: source.slice(pos, i), pos })
          checkTerminator(source, i)
          continue
        }
        case '.':
          if (isDigit(source[i + 1])) break // a number like .5
          i++
          if (!isAlphaNumeric(source[i])) {
            tokens.push({ kind: 'dot', value: '.', pos })
            checkTerminator(source, i)
            continue
          }
          while (i < n && isAlphaNumeric(source[i])) i++
          tokens.push({ kind: 'field', value: source.slice(pos + 1, i), pos })
          checkTerminator(source, i)
          continue
      }
      if (c === '+' || c === '-' || c === '.' || isDigit(c)) {
        i = lexNumber(source, i)
        tokens.push({ kind: 'number', value: source.slice(pos, i), pos })
        continue
      }
      if (isAlphaNumeric(c)) {
        while (i < n && isAlphaNumeric(source[i])) i++
        const word = source.slice(pos, i)
        const kind: TokenKind =
          word === 'true' || word === 'false'
            ? 'bool'
            : word === 'nil'
              ? 'nil'
              : KEYWORDS.has(word)
                ? 'keyword'
                : 'identifier'
        tokens.push({ kind, value: word, pos })
        checkTerminator(source, i)
        continue
      }
      if (c === '}') {
        throw new TemplateSyntaxError(
          'unclosed action',
          actionStart,
          'an action ends with }}; this one has a single }'
        )
      }
      const code = c.codePointAt(0)!
      throw new TemplateSyntaxError(
        `unrecognized character in action: U+${code.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(code)}'`,
        pos
      )
    }
  }
  tokens.push({ kind: 'eof', value: '', pos: n })
  return tokens
}

function atRightDelim(source: string, i: number): { length: number; trim: boolean } | undefined {
  if (isSpace(source[i]) && source[i + 1] === '-' && source.startsWith('}}', i + 2))
    return { length: 4, trim: true }
  if (source.startsWith('}}', i)) return { length: 2, trim: false }
  return undefined
}

/** After a word, Go requires a separator: space, `.`, `,`, `|`, `:`, `=`, parens or the end of the action. */
function checkTerminator(source: string, i: number): void {
  const c = source[i]
  if (c === undefined || isSpace(c) || '.,|:=()'.includes(c) || source.startsWith('}}', i)) return
  const code = c.codePointAt(0)!
  throw new TemplateSyntaxError(
    `bad character U+${code.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(code)}'`,
    i
  )
}

function lexNumber(source: string, start: number): number {
  let i = start
  if (source[i] === '+' || source[i] === '-') i++
  let digits = '0123456789_'
  if (source[i] === '0' && /[xXoObB]/.test(source[i + 1] ?? '')) {
    const p = source[i + 1]!.toLowerCase()
    digits = p === 'x' ? '0123456789abcdefABCDEF_' : p === 'o' ? '01234567_' : '01_'
    i += 2
  }
  while (i < source.length && digits.includes(source[i]!)) i++
  if (source[i] === '.') {
    i++
    while (i < source.length && digits.includes(source[i]!)) i++
  }
  const exponent = digits.length === 11 ? 'eE' : digits.length > 20 ? 'pP' : ''
  if (exponent && source[i] !== undefined && exponent.includes(source[i]!)) {
    i++
    if (source[i] === '+' || source[i] === '-') i++
    while (i < source.length && '0123456789_'.includes(source[i]!)) i++
  }
  if (source[i] === 'i') i++
  if (
    isAlphaNumeric(source[i]) ||
    source[i] === '.' ||
    i === start ||
    /^[+-]$/.test(source.slice(start, i))
  ) {
    let end = i
    while (end < source.length && (isAlphaNumeric(source[end]) || source[end] === '.')) end++
    throw new TemplateSyntaxError(
      `bad number syntax: "${source.slice(start, Math.max(end, start + 1))}"`,
      start
    )
  }
  return i
}

/** A double-quoted string with Go's escapes; \x and octal escapes are bytes, decoded as UTF-8. */
function lexQuoted(source: string, start: number): [string, number] {
  const bytes: number[] = []
  const encoder = new TextEncoder()
  let i = start + 1
  for (;;) {
    const c = source[i]
    if (c === undefined || c === '\n') throw new TemplateSyntaxError('unterminated quoted string', start)
    if (c === '"') break
    if (c !== '\\') {
      const code = source.codePointAt(i)!
      const ch = String.fromCodePoint(code)
      bytes.push(...encoder.encode(ch))
      i += ch.length
      continue
    }
    const e = source[i + 1]
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 }
    if (e !== undefined && simple[e] !== undefined) {
      bytes.push(simple[e])
      i += 2
      continue
    }
    const hexLength = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
    if (hexLength > 0) {
      const hex = source.slice(i + 2, i + 2 + hexLength)
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) {
        throw new TemplateSyntaxError(`invalid escape sequence \\${e}${hex} in quoted string`, i)
      }
      const value = parseInt(hex, 16)
      if (e === 'x') bytes.push(value)
      else if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) {
        throw new TemplateSyntaxError(`invalid escape sequence \\${e}${hex} in quoted string`, i)
      } else bytes.push(...encoder.encode(String.fromCodePoint(value)))
      i += 2 + hexLength
      continue
    }
    const octal = source.slice(i + 1, i + 4)
    if (/^[0-7]{3}$/.test(octal) && parseInt(octal, 8) < 256) {
      bytes.push(parseInt(octal, 8))
      i += 4
      continue
    }
    if (e === undefined || e === '\n') throw new TemplateSyntaxError('unterminated quoted string', start)
    throw new TemplateSyntaxError(`invalid escape sequence \\${e} in quoted string`, i)
  }
  return [decodeUtf8(new Uint8Array(bytes)), i + 1]
}

function lexChar(source: string, start: number): [string, number] {
  let i = start + 1
  if (source[i] === '\\') {
    const [value] = lexQuoted(`"${source.slice(i, source.indexOf("'", i + 2))}"`, 0)
    const close = source.indexOf("'", i + 2)
    if (close === -1) throw new TemplateSyntaxError('unterminated character constant', start)
    return [value, close + 1]
  }
  const code = source.codePointAt(i)
  if (code === undefined || source[i] === '\n')
    throw new TemplateSyntaxError('unterminated character constant', start)
  i += String.fromCodePoint(code).length
  if (source[i] !== "'") throw new TemplateSyntaxError('unterminated character constant', start)
  return [String.fromCodePoint(code), i + 1]
}
