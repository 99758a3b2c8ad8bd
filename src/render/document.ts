import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml'
import { ActionError, ActionErrors, type Location } from '../errors.js'

/** A JSON path into a parsed document, e.g. `['containerDefinitions', 0, 'image']`. */
export type JsonPath = readonly (string | number)[]

/** Maps a JSON path to where it stands in the template the document was rendered from. */
export type Locate = (path: JsonPath) => Location | undefined

export type DocumentFormat = 'json' | 'yaml'

export interface ParsedDocument {
  readonly value: unknown
  readonly locate: Locate
}

/** YAML aliases one document may expand (the `yaml` package's guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 1000

type TemplatePosition = (offset: number) => { line: number; column: number }

/**
 * Positions in rendered text, reported against the template: through the renderer's map from rendered
 * characters to template line and column when there is one, else through its line map (columns as they stand
 * in the rendered line).
 */
export class RenderedPositions {
  private readonly lineStarts: number[] = [0]

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lineMap: readonly number[],
    private readonly templatePosition?: TemplatePosition | undefined
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1)
  }

  /** 1-based line and column in the rendered text of a character offset. */
  renderedPosition(offset: number): { line: number; column: number } {
    let low = 0
    let high = this.lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.lineStarts[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 }
  }

  templateLine(renderedLine: number): number {
    return this.lineMap[renderedLine - 1] ?? renderedLine
  }

  /** Template line and column of a rendered character. */
  sourcePosition(offset: number): { line: number; column: number } {
    if (this.templatePosition) return this.templatePosition(offset)
    const { line, column } = this.renderedPosition(offset)
    return { line: this.templateLine(line), column }
  }

  location(offset: number): Location {
    return { file: this.file, ...this.sourcePosition(offset) }
  }

  /** The rendered line, for error messages that show what the parser saw. */
  renderedLine(line: number): string {
    const start = this.lineStarts[line - 1] ?? 0
    const end = this.lineStarts[line] ?? this.text.length + 1
    return this.text.slice(start, end - 1)
  }

  /** "rendered line 12 (from template line 9)" when the two differ. */
  describeLine(renderedLine: number): string {
    const templateLine = this.templateLine(renderedLine)
    return templateLine === renderedLine
      ? `line ${renderedLine}`
      : `rendered line ${renderedLine} (from template line ${templateLine})`
  }

  /** "rendered line 11, column 12 (template line 11, column 9)", or one pair when both agree. */
  describeOffset(offset: number): string {
    const rendered = this.renderedPosition(offset)
    const source = this.sourcePosition(offset)
    const here = `line ${rendered.line}, column ${rendered.column}`
    return source.line === rendered.line && source.column === rendered.column
      ? `${here} of the rendered text and the template`
      : `rendered ${here} (template line ${source.line}, column ${source.column})`
  }
}

/**
 * The text of a definition or config file. Invalid UTF-8 is an error at the first bad byte (decoding it
 * would put U+FFFD into a value silently); a byte order mark is dropped, as editors hide it.
 */
export function decodeSource(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    const before = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes.subarray(0, at))
    const lines = before.split('\n')
    const line = lines.length
    const column = [...lines[line - 1]!].length + 1
    const byte = bytes[at] ?? 0
    throw new ActionError(
      `the file is not valid UTF-8: byte 0x${byte.toString(16).padStart(2, '0')} at line ${line}, column ${column} (byte offset ${at})`,
      {
        where: { file, line, column },
        hint: 'save the file as UTF-8 (it may be Latin-1 or UTF-16); task definitions and configs are UTF-8 text'
      }
    )
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!
    let length: number
    let min: number
    if (b < 0x80) {
      i++
      continue
    } else if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000]
    else return i
    let code = b & (0xff >> (length + 1))
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      code = (code << 6) | (c & 0x3f)
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i
    i += length
  }
  return bytes.length
}

export function formatOf(file: string): DocumentFormat {
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'json'
}

/**
 * Parses rendered text as JSON or YAML. A syntax error names the line in the rendered text, the template line
 * it came from, and shows the offending line.
 */
export function parseRendered(positions: RenderedPositions, format: DocumentFormat): ParsedDocument {
  return format === 'json' ? parseJson(positions) : parseYaml(positions)
}

/**
 * JSON through jsonc-parser, which reports where each error is and keeps every key's position; comments and
 * trailing commas are errors, as in JSON. Duplicate keys are errors too (JSON.parse keeps the last silently,
 * so `"cpu": "256", "cpu": "4096"` would deploy 4096). The value itself comes from JSON.parse.
 */
function parseJson(positions: RenderedPositions): ParsedDocument {
  const errors: ParseError[] = []
  const text = positions.text.startsWith('\ufeff') ? positions.text.slice(1) : positions.text
  const skipped = positions.text.length - text.length
  const tree = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false
  })
  const first = errors[0]
  if (first) {
    const { detail, hint, offset } = describeJsonError(text, first)
    throw syntaxError(positions, 'JSON', (offset ?? first.offset) + skipped, detail, hint)
  }
  const duplicates = tree ? duplicateKeys(tree) : []
  if (duplicates.length > 0) {
    const all = duplicates.map(({ key, first: earlier }) => {
      const at = positions.renderedPosition(earlier.offset + skipped)
      return new ActionError(
        `duplicate key ${JSON.stringify(key.value)} (first at ${positions.describeLine(at.line)}); JSON keeps only the last one`,
        {
          where: positions.location(key.offset + skipped),
          hint: 'remove one of the two; ecspresso would silently use the last'
        }
      )
    })
    throw all.length === 1 ? all[0]! : new ActionErrors(all)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw syntaxError(positions, 'JSON', jsonErrorOffset(error, text) + skipped, messageOf(error))
  }
  return { value, locate: jsonLocator(positions, tree, skipped) }
}

function describeJsonError(
  text: string,
  error: ParseError
): { detail: string; hint?: string; offset?: number } {
  const found = text.slice(error.offset, error.offset + Math.max(1, error.length))
  const shown = JSON.stringify(found.length > 40 ? `${found.slice(0, 40)}…` : found)
  const before = text.slice(0, error.offset).trimEnd()
  switch (printParseErrorCode(error.error)) {
    case 'InvalidSymbol':
      if (/^(NaN|-?Infinity)$/.test(found))
        return {
          detail: `${found} is not a JSON value`,
          hint: 'JSON has no NaN or Infinity; a template value that is not a number needs quotes, or a default'
        }
      if (/^(undefined|None|nil)$/.test(found) || found.startsWith('<no'))
        return {
          detail: `${shown} is not a JSON value`,
          hint: 'a template value was missing; give it a default, or use must_env to fail early'
        }
      return {
        detail: `${shown} is not a JSON value`,
        hint: 'a string needs double quotes: write "{{ … }}" around a template action that renders text'
      }
    case 'InvalidNumberFormat':
      return { detail: `${shown} is not a valid JSON number` }
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (before.endsWith(',') && /^[}\]]/.test(found))
        return {
          detail: `a trailing comma before ${found}`,
          offset: before.length - 1,
          hint: 'JSON allows no comma after the last item; remove it (a range may need {{ if $i }},{{ end }})'
        }
      return printParseErrorCode(error.error) === 'PropertyNameExpected'
        ? { detail: `expected a key in double quotes, found ${shown}` }
        : {
            detail:
              error.offset >= text.length
                ? 'expected a value, found the end of the file'
                : `expected a value, found ${shown}`
          }
    case 'ColonExpected':
      return { detail: `expected ':' after the key, found ${shown}` }
    case 'CommaExpected':
      return { detail: `expected ',' or the end of the object or list, found ${shown}` }
    case 'CloseBraceExpected':
      return { detail: `expected '}' to close the object, found ${offsetText(text, error, shown)}` }
    case 'CloseBracketExpected':
      return { detail: `expected ']' to close the list, found ${offsetText(text, error, shown)}` }
    case 'EndOfFileExpected':
      return { detail: `expected the end of the file after the value, found ${shown}` }
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return {
        detail: 'comments are not allowed in JSON',
        hint: 'remove the comment, or use a {{/* template comment */}}'
      }
    case 'UnexpectedEndOfString':
      return {
        detail: 'a string is not closed on its line',
        hint: 'close it with "; a template value with a quote or newline needs json_escape'
      }
    case 'UnexpectedEndOfNumber':
      return { detail: 'a number ends early' }
    case 'InvalidUnicode':
      return { detail: 'an invalid \\u escape in a string' }
    case 'InvalidEscapeCharacter':
      return {
        detail: 'an invalid escape in a string',
        hint: 'a backslash in a string is written \\\\; json_escape does it for template values'
      }
    case 'InvalidCharacter': {
      // Reported at the string's start; point at the character itself.
      const token = text.slice(error.offset, error.offset + error.length)
      let inString = -1
      for (let k = 0; k < token.length && inString < 0; k++) if (token.charCodeAt(k) < 0x20) inString = k
      return {
        ...(inString >= 0 ? { offset: error.offset + inString } : {}),
        detail: 'a control character (such as a tab or newline) inside a string',
        hint: 'escape it, or use json_escape on the template value'
      }
    }
    default:
      return { detail: `unexpected ${shown}` }
  }
}

function offsetText(text: string, error: ParseError, shown: string): string {
  return error.offset >= text.length ? 'the end of the file' : shown
}

/** Keys that appear twice in one object: the later occurrence, with the first. */
function duplicateKeys(root: JsonNode): { key: JsonNode; first: JsonNode }[] {
  const found: { key: JsonNode; first: JsonNode }[] = []
  const stack: JsonNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === 'object') {
      const seen = new Map<string, JsonNode>()
      for (const property of node.children ?? []) {
        const key = property.children?.[0]
        if (!key || typeof key.value !== 'string') continue
        const earlier = seen.get(key.value)
        if (earlier) found.push({ key, first: earlier })
        else seen.set(key.value, key)
      }
    }
    for (const child of node.children ?? []) stack.push(child)
  }
  return found.sort((a, b) => a.key.offset - b.key.offset)
}

/** The position of the deepest node along a path: a key for an object member, the item for a list entry. */
function jsonLocator(positions: RenderedPositions, root: JsonNode | undefined, skipped: number): Locate {
  return path => {
    let node = root
    let offset = root?.offset
    for (const segment of path) {
      if (node?.type === 'object') {
        const property = node.children?.find(p => String(p.children?.[0]?.value) === String(segment))
        if (!property) break
        offset = property.offset
        node = property.children?.[1]
      } else if (node?.type === 'array' && typeof segment === 'number') {
        const item = node.children?.[segment]
        if (!item) break
        offset = item.offset
        node = item
      } else break
    }
    return offset === undefined ? { file: positions.file } : positions.location(offset + skipped)
  }
}

function parseYaml(positions: RenderedPositions): ParsedDocument {
  const lineCounter = new LineCounter()
  const document = parseDocument(positions.text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const first = document.errors[0]
  if (first) {
    const detail = first.message.split('\n')[0] ?? first.message
    const hint =
      first.code === 'DUPLICATE_KEY'
        ? 'remove one of the two; ecspresso would silently use the last'
        : undefined
    throw syntaxError(positions, 'YAML', first.pos[0], detail, hint)
  }
  let value: unknown
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    // The yaml package stops an alias bomb with a ReferenceError; say where the aliases are instead.
    if (!(error instanceof ReferenceError)) throw error
    let at = 0
    visit(document, {
      Alias: (_key, node) => {
        at = node.range?.[0] ?? 0
        return visit.BREAK
      }
    })
    throw new ActionError(
      `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (from the alias at ${positions.describeOffset(at)}); this looks like an alias bomb`,
      {
        where: positions.location(at),
        hint: 'write the values out, or use fewer nested anchors (&name) and aliases (*name)'
      }
    )
  }
  return { value, locate: locator(positions, document.contents) }
}

function syntaxError(
  positions: RenderedPositions,
  kind: string,
  offset: number,
  detail: string,
  hint?: string
): ActionError {
  const at = Math.max(0, Math.min(offset, positions.text.length))
  const { line, column } = positions.renderedPosition(at)
  const shown = positions.renderedLine(line)
  const caret = `${' '.repeat(Math.max(0, column - 1))}^`
  return new ActionError(
    `${kind} syntax error after rendering, at ${positions.describeOffset(at)}: ${detail}\n    ${shown}\n    ${caret}`,
    {
      where: positions.location(at),
      hint:
        hint ??
        (kind === 'JSON'
          ? 'check the commas, quotes and brackets around that line; a template value inserted into a JSON string may need json_escape'
          : 'check the indentation and quoting around that line')
    }
  )
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // Node's messages end with the position we already report; keep the words only.
  return message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '')
}

/** JSON.parse reports an offset ("at position N") or, on newer Node, "(line L column C)". */
function jsonErrorOffset(error: unknown, text: string): number {
  const message = error instanceof Error ? error.message : ''
  const lineColumn = /line (\d+) column (\d+)/.exec(message)
  if (lineColumn) {
    let offset = 0
    for (let line = 1; line < Number(lineColumn[1]); line++) offset = text.indexOf('\n', offset) + 1
    return offset + Number(lineColumn[2]) - 1
  }
  const position = /position (\d+)/.exec(message)
  if (position) return Number(position[1])
  return text.length
}

function locator(positions: RenderedPositions, root: Node | null): Locate {
  return path => {
    let node: unknown = root
    let offset: number | undefined = root?.range?.[0]
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(item => isScalar(item.key) && String(item.key.value) === String(segment))
        if (!pair) break
        offset = (pair.key as Node).range?.[0] ?? offset
        node = pair.value
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined
        if (!item) break
        offset = item.range?.[0] ?? offset
        node = item
      } else {
        break
      }
    }
    return offset === undefined ? { file: positions.file } : positions.location(offset)
  }
}
