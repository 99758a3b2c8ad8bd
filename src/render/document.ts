import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { ActionError, type Location } from '../errors.js'

/** A JSON path into a parsed document, e.g. `['containerDefinitions', 0, 'image']`. */
export type JsonPath = readonly (string | number)[]

/** Maps a JSON path to where it stands in the template the document was rendered from. */
export type Locate = (path: JsonPath) => Location | undefined

export type DocumentFormat = 'json' | 'yaml'

export interface ParsedDocument {
  readonly value: unknown
  readonly locate: Locate
}

/**
 * Positions in rendered text, reported against the template: line numbers through the renderer's line map
 * (rendered line → template line), columns as they stand in the rendered line.
 */
export class RenderedPositions {
  private readonly lineStarts: number[] = [0]

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lineMap: readonly number[]
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

  location(offset: number): Location {
    const { line, column } = this.renderedPosition(offset)
    return { file: this.file, line: this.templateLine(line), column }
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

function parseJson(positions: RenderedPositions): ParsedDocument {
  let value: unknown
  try {
    value = JSON.parse(positions.text)
  } catch (error) {
    throw syntaxError(positions, 'JSON', jsonErrorOffset(error, positions.text), messageOf(error))
  }
  return { value, locate: lazyLocator(positions) }
}

function parseYaml(positions: RenderedPositions): ParsedDocument {
  const lineCounter = new LineCounter()
  const document = parseDocument(positions.text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const first = document.errors[0]
  if (first) throw syntaxError(positions, 'YAML', first.pos[0], first.message.split('\n')[0] ?? first.message)
  return {
    value: document.toJS({ maxAliasCount: 1000 }) as unknown,
    locate: locator(positions, document.contents)
  }
}

function syntaxError(
  positions: RenderedPositions,
  kind: string,
  offset: number,
  detail: string
): ActionError {
  const { line, column } = positions.renderedPosition(Math.max(0, Math.min(offset, positions.text.length)))
  const shown = positions.renderedLine(line)
  const caret = `${' '.repeat(Math.max(0, column - 1))}^`
  return new ActionError(
    `${kind} syntax error after rendering, at ${positions.describeLine(line)}, column ${column}: ${detail}\n    ${shown}\n    ${caret}`,
    {
      where: { file: positions.file, line: positions.templateLine(line), column },
      hint:
        kind === 'JSON'
          ? 'check the commas, quotes and brackets around that line; a template value inserted into a JSON string may need json_escape'
          : 'check the indentation and quoting around that line'
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

/** JSON is parsed with JSON.parse; positions are only looked up when a problem has to be located. */
function lazyLocator(positions: RenderedPositions): Locate {
  let locate: Locate | undefined
  return path => {
    locate ??= locator(positions, parseDocument(positions.text, { prettyErrors: false }).contents)
    return locate(path)
  }
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
