import { firstLine, knownFailure } from './report/error-kinds.js'

/** Where a problem is: a file position, or an action input. */
export interface Location {
  readonly file?: string
  readonly line?: number
  readonly column?: number
  /** The action input the value came from, e.g. `images`. */
  readonly input?: string
}

export function formatLocation(where: Location): string {
  if (where.input !== undefined) return `input '${where.input}'`
  let text = where.file ?? ''
  if (where.line !== undefined) text += `:${where.line}`
  if (where.line !== undefined && where.column !== undefined) text += `:${where.column}`
  return text
}

export interface ActionErrorOptions {
  readonly where?: Location | undefined
  /** How to fix it, said to a person. */
  readonly hint?: string | undefined
  readonly cause?: unknown
}

/**
 * An error the user can act on. Every stage throws these for bad input; the message names what is wrong,
 * `where` says where, and `hint` how to fix it. Thrown before `apply`, it also means no write happened.
 */
export class ActionError extends Error {
  readonly where: Location | undefined
  readonly hint: string | undefined

  constructor(message: string, options: ActionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ActionError'
    this.where = options.where
    this.hint = options.hint
  }

  /** One block of text: `file:line:col: message` then the hint. */
  describe(): string {
    const where = this.where ? formatLocation(this.where) : ''
    const head = where ? `${where}: ${this.message}` : this.message
    return this.hint ? `${head}\n  hint: ${this.hint}` : head
  }
}

/** Several independent problems found in one pass (e.g. all bad inputs), reported together. */
export class ActionErrors extends ActionError {
  readonly errors: readonly ActionError[]

  constructor(errors: readonly ActionError[]) {
    super(errors.length === 1 ? errors[0]!.message : `${errors.length} problems found`)
    this.name = 'ActionErrors'
    this.errors = errors
  }

  override describe(): string {
    if (this.errors.length === 1) return this.errors[0]!.describe()
    return [`${this.errors.length} problems found:`, ...this.errors.map(e => `- ${e.describe()}`)].join('\n')
  }
}

/** One problem as an annotation shows it: its text, and the file position GitHub marks, when it has one. */
export interface Problem {
  readonly message: string
  readonly where?: { readonly file: string; readonly line?: number; readonly column?: number }
}

/**
 * The problems an error holds, one annotation each: every part of an ActionErrors (nested ones flattened)
 * when any names a file, so each marks its own line; else the one text of `describeError`.
 */
export function problemsOf(error: unknown): Problem[] {
  const parts: ActionError[] = []
  const flatten = (e: ActionError): void => {
    if (e instanceof ActionErrors && e.errors.length > 0) e.errors.forEach(flatten)
    else parts.push(e)
  }
  if (error instanceof ActionError) flatten(error)
  if (!parts.some(e => e.where?.file !== undefined)) return [{ message: describeError(error) }]
  return parts.map(e => {
    const w = e.where
    if (w?.file === undefined || w.input !== undefined) return { message: e.describe() }
    return {
      message: e.describe(),
      where: {
        file: w.file,
        ...(w.line === undefined ? {} : { line: w.line }),
        ...(w.line === undefined || w.column === undefined ? {} : { column: w.column })
      }
    }
  })
}

/**
 * What a person reads about an error: an ActionError's text, a known first-run failure (no credentials, an
 * unreachable endpoint) as one line with a hint, else one line `Name: message`. Never a stack trace: those go
 * to the debug log (`errorStack`).
 */
export function describeError(error: unknown): string {
  if (error instanceof ActionError) return error.describe()
  const known = knownFailure(error)
  if (known !== undefined) {
    const operation = (error as { $operation?: unknown }).$operation
    const op = typeof operation === 'string' ? `${operation}: ` : ''
    return `${op}${known.message}\n  hint: ${known.hint}`
  }
  if (error instanceof Error) {
    const head = firstLine(error.message)
    const name = error.name && error.name !== 'Error' ? error.name : ''
    const text = name && head ? `${name}: ${head}` : name || head || 'unexpected error'
    return `${text}\n  hint: rerun with debug logging (secret ACTIONS_STEP_DEBUG: true, or “Enable debug logging”) to see where it happened`
  }
  return firstLine(String(error))
}

/** Runner debug logging: "Enable debug logging" on a rerun sets RUNNER_DEBUG, the ACTIONS_STEP_DEBUG secret too. */
export function isDebugRun(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.RUNNER_DEBUG === '1' || env.ACTIONS_STEP_DEBUG === 'true'
}

/** The error's stack and its causes' stacks, for the debug log only. */
export function errorStack(error: unknown): string {
  const parts: string[] = []
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : JSON.stringify(e))
    e = e instanceof Error ? e.cause : undefined
  }
  return parts.join('\ncaused by: ')
}

/** The closest candidate by edit distance, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  const lower = word.toLowerCase()
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = candidate
    }
  }
  const allowed = Math.max(1, Math.round(word.length / 4))
  return bestDistance <= allowed ? best : undefined
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = best
    }
  }
  return rows[a.length]![b.length]!
}
