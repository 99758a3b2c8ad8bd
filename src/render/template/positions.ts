import { ActionError, type ActionErrorOptions } from '../../errors.js'

/** A syntax problem at a source offset; turned into an `ActionError` with line and column by the parser. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly hint?: string
  ) {
    super(message)
    this.name = 'TemplateSyntaxError'
  }
}

/** Maps source offsets to 1-based lines and columns. */
export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(
    readonly source: string,
    readonly file: string
  ) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.starts.push(i + 1)
  }

  line(pos: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= pos) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }

  column(pos: number): number {
    return pos - this.starts[this.line(pos) - 1]! + 1
  }

  error(message: string, pos: number, options: Omit<ActionErrorOptions, 'where'> = {}): ActionError {
    return new ActionError(message, {
      ...options,
      where: { file: this.file, line: this.line(pos), column: this.column(pos) }
    })
  }
}
