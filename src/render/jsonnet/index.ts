/**
 * Jsonnet evaluation with go-jsonnet's semantics (the implementation ecspresso uses), through its WebAssembly
 * build. Imports and `importstr` are read here, relative to the importing file, as go-jsonnet's FileImporter
 * reads them; native functions are ours (env, must_env, the plugins').
 *
 * The evaluator is synchronous and cannot wait for a promise, while plugin natives read AWS. So natives that
 * return a promise are resolved between rounds: a round evaluates with every unresolved call answered by a
 * placeholder and records the call; the calls of a round are awaited together (a failure is kept as that call's
 * answer, not thrown, since the placeholder may have led to a call the real value would not make); then the
 * file is evaluated again. The round in which every call was answered from the results is the one that counts.
 * Evaluation is pure apart from the natives, so that round is exactly what one evaluation with blocking
 * natives would give.
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { ActionError, type Location } from '../../errors.js'
import { loadEvaluator } from './wasm.js'

export interface NativeFunction {
  /** Parameter names: go-jsonnet checks calls against them, as it does ecspresso's natives. */
  readonly params: readonly string[]
  /** A value, or a promise of one (AWS lookups); throwing is an error at the call. */
  readonly call: (args: readonly unknown[]) => unknown
}

export type Natives = Readonly<Record<string, NativeFunction>>

export interface JsonnetOptions {
  /** The file as shown to people (relative to the working directory); imports resolve from it. */
  readonly file: string
  readonly source: string
  readonly extStr?: Readonly<Record<string, string>>
  readonly extCode?: Readonly<Record<string, string>>
  readonly natives?: Natives
}

/** Rounds of native lookups before giving up: each round must follow from values the one before fetched. */
export const MAX_ROUNDS = 20

interface Frame {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly name?: string
}

interface Reply {
  readonly json?: string
  readonly error?: { readonly message: string; readonly text: string; readonly frames: readonly Frame[] }
  readonly fatal?: string
}

type Answer = { readonly value: unknown } | { readonly error: string }

/** Evaluates a Jsonnet file to the JSON text go-jsonnet prints (3-space indented, keys sorted). */
export async function evaluateJsonnet(options: JsonnetOptions): Promise<string> {
  const evaluate = await loadEvaluator()
  const natives = options.natives ?? {}
  const files = new Map<string, string>([[clean(options.file), options.source]])
  const answers = new Map<string, Answer>()
  const request = JSON.stringify({
    file: options.file,
    source: options.source,
    extStr: options.extStr ?? {},
    extCode: options.extCode ?? {},
    natives: Object.entries(natives).map(([name, fn]) => ({ name, params: fn.params }))
  })
  const importer = (path: string): string => {
    try {
      const contents = readFileSync(path, 'utf8')
      files.set(path, contents)
      return JSON.stringify({ foundAt: path, contents })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return JSON.stringify({ missing: true })
      return JSON.stringify({ error: `cannot read ${path}: ${(error as Error).message}` })
    }
  }

  for (let round = 1; ; round++) {
    const pending = new Map<string, Promise<unknown>>()
    const native = (name: string, argsJson: string): string => {
      const key = `${name}\u0000${argsJson}`
      const known = answers.get(key)
      if (known) return JSON.stringify(known)
      // A call on a placeholder would look up a value nobody asked for: it waits for the next round.
      if (pending.has(key) || argsJson.includes(PLACEHOLDER_JSON)) return PENDING_REPLY
      const fn = natives[name]
      if (!fn) return JSON.stringify({ error: `no native function ${name}` })
      try {
        const value = fn.call(JSON.parse(argsJson) as unknown[])
        if (!(value instanceof Promise)) return JSON.stringify({ value: value ?? null })
        pending.set(key, value)
        return PENDING_REPLY
      } catch (error) {
        return JSON.stringify({ error: messageOf(error) })
      }
    }
    const reply = JSON.parse(evaluate(request, importer, native)) as Reply
    if (pending.size === 0) return outcome(reply, files, options)
    if (round >= MAX_ROUNDS) {
      throw new ActionError(
        `native function calls in Jsonnet depend on each other more than ${MAX_ROUNDS} levels deep`,
        { where: { file: options.file }, hint: 'look up the values in fewer chained steps' }
      )
    }
    const keys = [...pending.keys()]
    const settled = await Promise.allSettled(pending.values())
    settled.forEach((result, i) =>
      answers.set(
        keys[i]!,
        result.status === 'fulfilled' ? { value: result.value ?? null } : { error: messageOf(result.reason) }
      )
    )
  }
}

/** What an unresolved native call gives during a round: a string no real value contains. */
const PLACEHOLDER = '\u0000ecs-deploy-action: pending native call\u0000'
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER).slice(1, -1)
const PENDING_REPLY = JSON.stringify({ value: PLACEHOLDER })

function outcome(reply: Reply, files: ReadonlyMap<string, string>, options: JsonnetOptions): string {
  if (reply.json !== undefined) return reply.json
  if (reply.fatal !== undefined) throw new Error(`Jsonnet evaluator: ${reply.fatal}`)
  const error = reply.error!
  // Frames run from the outermost to the innermost: the last one in a file is where it went wrong.
  const frame = [...error.frames].reverse().find(f => f.line > 0 && f.file !== '' && !f.file.startsWith('<'))
  const extVar = /^<extvar:([^>]*)>/.exec(error.message)
  const where: Location = frame
    ? position(frame, files)
    : extVar
      ? { input: options.extCode?.[extVar[1]!] !== undefined ? 'ext-code' : 'ext-str' }
      : { file: options.file }
  const message = firstLine(error.message)
  throw new ActionError(`Jsonnet ${message}`, {
    where,
    hint: hintFor(message, error.text)
  })
}

/** go-jsonnet's columns count bytes; people's editors count characters. */
function position(frame: Frame, files: ReadonlyMap<string, string>): Location {
  const text = files.get(frame.file)
  let column = frame.column
  if (text !== undefined) {
    const line = text.split('\n')[frame.line - 1]
    if (line !== undefined) {
      const bytes = Buffer.from(line, 'utf8').subarray(0, Math.max(0, frame.column - 1))
      column = [...bytes.toString('utf8')].length + 1
    }
  }
  return { file: frame.file, line: frame.line, column }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message
  // A static error's text starts with its position, which `where` carries.
  return line
    .replace(/^\S+:(\d+:\d+(-\d+)?|\(\d+:\d+\)-\(\d+:\d+\)) /, '')
    .replace(/^RUNTIME ERROR: /, 'runtime error: ')
    .replace(/^STATIC ERROR: /, '')
}

function hintFor(message: string, text: string): string {
  if (/couldn't open import/.test(message))
    return 'imports are relative to the importing file; check the path and that the file is checked out'
  if (/Undefined external variable/.test(message))
    return 'pass it with the ext-str or ext-code input (NAME=VALUE lines)'
  if (/is not set|is not defined/.test(message)) return "set the variable in the workflow step's env: block"
  const trace = text
    .split('\n')
    .filter(line => line.startsWith('\t'))
    .slice(0, 5)
    .map(line => line.trim().replace(/\t/g, ' '))
  return trace.length > 1
    ? `Jsonnet stack trace:\n    ${trace.join('\n    ')}`
    : 'fix the Jsonnet at that position'
}

function messageOf(error: unknown): string {
  if (error instanceof ActionError) return error.message
  return error instanceof Error ? error.message : String(error)
}

/** go-jsonnet's names for files: filepath.Clean as its importer cleans them. */
function clean(path: string): string {
  return isAbsolute(path) ? join(path) : join('.', path).replace(/^\.\//, '') || '.'
}
