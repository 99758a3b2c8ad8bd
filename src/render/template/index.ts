/**
 * Go text/template as ecspresso runs it: text, trim markers, comments, pipelines, literals typed as Go types
 * them, fields, variables, if/else if/else, range, with, define/template/block, and Go's predefined functions
 * (printf by Go's fmt rules). Functions may be async. A differential test holds it to Go's own.
 *
 * parseTemplate() checks the whole file before anything runs; renderTemplate() also checks that every
 * function it calls exists before calling the first one.
 */
import { ActionError, closest } from '../../errors.js'
import type { Node, Operand, Pipeline } from './ast.js'
import { BUILTIN_NAMES } from './builtins.js'

/** Throw from a template function for a wrong argument count or type: reported without `error calling`. */
export { CallShapeError } from './builtins.js'
import { Executor, type RenderLimits } from './exec.js'
export { DEFAULT_LIMITS, type RenderLimits } from './exec.js'
import { parseNodes } from './parser.js'
import { LineIndex, TemplateSyntaxError } from './positions.js'

// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- says plainly that functions may be async
export type TemplateFunction = (...args: unknown[]) => unknown | Promise<unknown>
export type FunctionMap = Readonly<Record<string, TemplateFunction>>

export interface Rendered {
  readonly text: string
  /** `lineMap[i]` is the 1-based template line that rendered line `i + 1` came from. */
  readonly lineMap: readonly number[]
  /** The template line and column a character of the rendered text came from. */
  readonly templatePosition?: (offset: number) => { line: number; column: number }
}

/** A function name used by a template, and where. */
export interface FunctionCall {
  readonly name: string
  readonly line: number
  readonly column: number
}

export class Template {
  /** @internal */
  constructor(
    readonly file: string,
    readonly source: string,
    private readonly nodes: readonly Node[],
    private readonly index: LineIndex,
    private readonly defines: ReadonlyMap<string, readonly Node[]> = new Map()
  ) {}

  /** Every function call in the template, in source order (built-ins included). */
  functionCalls(): FunctionCall[] {
    const calls: { name: string; pos: number }[] = []
    collectNodes(this.nodes, calls)
    // the file's own tree is among the defines too (as `conf`)
    for (const body of this.defines.values()) if (body !== this.nodes) collectNodes(body, calls)
    return calls
      .sort((a, b) => a.pos - b.pos)
      .map(({ name, pos }) => ({ name, line: this.index.line(pos), column: this.index.column(pos) }))
  }

  /** The distinct names of functions the template calls that are not Go built-ins. */
  functionNames(): string[] {
    return [...new Set(this.functionCalls().map(c => c.name))].filter(name => !BUILTIN_NAMES.has(name))
  }

  /** Throws for the first call to a function that is neither in `functions` nor a Go built-in. */
  checkFunctions(functions: FunctionMap): void {
    const known = new Set([...Object.keys(functions), ...BUILTIN_NAMES])
    for (const call of this.functionCalls()) {
      if (known.has(call.name)) continue
      const suggestion = closest(call.name, known)
      throw new ActionError(`function "${call.name}" not defined`, {
        where: { file: this.file, line: call.line, column: call.column },
        hint: suggestion ? `did you mean ${suggestion}?` : undefined
      })
    }
  }

  async execute(options: {
    functions: FunctionMap
    data?: unknown
    limits?: RenderLimits | undefined
  }): Promise<Rendered> {
    this.checkFunctions(options.functions)
    return new Executor(this.index, options.functions, options.data, options.limits, this.defines).run(
      this.nodes,
      options.data
    )
  }
}

/** Parses a template; syntax errors are `ActionError`s pointing at the file, line and column. */
export function parseTemplate(source: string, file: string): Template {
  const index = new LineIndex(source, file)
  try {
    const { nodes, defines } = parseNodes(source)
    return new Template(file, source, nodes, index, defines)
  } catch (error) {
    if (error instanceof TemplateSyntaxError) {
      throw index.error(error.message, error.pos, { hint: error.hint ?? hintFor(error.message) })
    }
    throw error
  }
}

export async function renderTemplate(
  source: string,
  options: { file: string; functions: FunctionMap; data?: unknown; limits?: RenderLimits | undefined }
): Promise<Rendered> {
  const template = parseTemplate(source, options.file)
  return template.execute(
    options.data === undefined ? { functions: options.functions, limits: options.limits } : options
  )
}

function hintFor(message: string): string | undefined {
  if (message === 'unclosed action') return 'close the action with }}'
  if (message.startsWith('unexpected EOF')) return 'add {{ end }} where the block ends'
  if (message.startsWith('unterminated quoted string')) return 'close the string with " on the same line'
  if (message.startsWith('undefined variable')) return 'declare it first with {{ $name := … }}'
  return undefined
}

function collectNodes(nodes: readonly Node[], calls: { name: string; pos: number }[]): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'action':
        collectPipeline(node.pipe, calls)
        break
      case 'template':
        if (node.pipe) collectPipeline(node.pipe, calls)
        break
      case 'if':
      case 'with':
      case 'range':
        collectPipeline(node.pipe, calls)
        collectNodes(node.list, calls)
        if (node.elseList) collectNodes(node.elseList, calls)
        break
      default:
        break
    }
  }
}

function collectPipeline(pipe: Pipeline, calls: { name: string; pos: number }[]): void {
  for (const cmd of pipe.cmds) for (const arg of cmd.args) collectOperand(arg, calls)
}

function collectOperand(operand: Operand, calls: { name: string; pos: number }[]): void {
  if (operand.type === 'identifier') calls.push({ name: operand.name, pos: operand.pos })
  if (operand.type === 'pipeline') collectPipeline(operand.pipe, calls)
}
