/** Executes a parsed template: walks the tree, evaluates pipelines, awaits function calls, records lines. */
import type { Command, Node, Operand, Pipeline } from './ast.js'
import { BUILTINS, CallShapeError } from './builtins.js'
import { formatValue, goTypeName, intOf, isMap, isTrue, kindOf, mapEntries } from './format.js'
import type { LineIndex } from './positions.js'

export type TemplateFunction = (...args: unknown[]) => unknown
export type FunctionMap = Readonly<Record<string, TemplateFunction>>

const NO_FINAL: unique symbol = Symbol('no final value')
type Final = unknown

class LoopSignal extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(`{{${kind}}}`)
  }
}

/**
 * How much one rendering may do. Go's text/template has no bounds; a deploy step must end, so a template that
 * loops 10^8 times or doubles a string 30 times stops with an error at the action doing it.
 */
export interface RenderLimits {
  /** Actions, block entries and range iterations, together. */
  readonly maxSteps: number
  /** Characters of output, and of any one value a function returns. */
  readonly maxChars: number
  /** Wall-clock time for the whole rendering, plugin calls included. */
  readonly timeoutMs: number
  readonly now: () => number
}

export const DEFAULT_LIMITS: RenderLimits = {
  // Real definitions take a few thousand steps and a few KiB; ECS caps a task definition at 64 KiB.
  maxSteps: 1_000_000,
  maxChars: 8 * 1024 * 1024,
  timeoutMs: 60_000,
  now: () => Date.now()
}

/** Counts steps and time against the limits; throws a located error when one is exceeded. */
class Budget {
  private steps = 0
  private readonly deadline: number

  constructor(
    private readonly index: LineIndex,
    readonly limits: RenderLimits
  ) {
    this.deadline = limits.now() + limits.timeoutMs
  }

  step(pos: number): void {
    this.steps++
    if (this.steps > this.limits.maxSteps) {
      throw this.index.error(
        `template stopped after ${this.limits.maxSteps.toLocaleString('en-US')} steps (actions and range iterations)`,
        pos,
        {
          hint: 'a range here runs far more often than a definition needs; check the number or list it ranges over'
        }
      )
    }
    // Reading the clock every step would cost more than the step.
    if ((this.steps & 255) === 0) this.checkTime(pos)
  }

  checkTime(pos: number): void {
    if (this.limits.now() <= this.deadline) return
    throw this.index.error(`template rendering took longer than ${this.limits.timeoutMs / 1000} s`, pos, {
      hint: 'a loop here runs too long, or a template function (plugin) is slow to answer'
    })
  }

  checkSize(chars: number, pos: number, what: string): void {
    if (chars <= this.limits.maxChars) return
    throw this.index.error(`${what} is larger than ${formatChars(this.limits.maxChars)} characters`, pos, {
      hint: 'a task or service definition is at most 64 KiB; check the width in printf or the loop building it'
    })
  }
}

function formatChars(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} Mi` : n.toLocaleString('en-US')
}

export interface RenderedText {
  readonly text: string
  readonly lineMap: number[]
  /** The template line and column a character of the output came from. */
  readonly templatePosition: (offset: number) => { line: number; column: number }
}

/** Collects output and, per output line, the template line it came from. */
class Output {
  private readonly parts: string[] = []
  private chars = 0
  /** Per emitted chunk: where it starts in the output, where in the source, and whether it is source text. */
  private readonly chunks: { out: number; pos: number; fromSource: boolean }[] = []
  readonly lineMap: number[] = []
  private atLineStart = true
  private lastLine = 1

  constructor(
    private readonly index: LineIndex,
    private readonly budget: Budget
  ) {}

  emit(text: string, pos: number, fromSource: boolean): void {
    if (text === '') return
    this.chunks.push({ out: this.chars, pos, fromSource })
    this.chars += text.length
    this.budget.checkSize(this.chars, pos, 'the rendered output')
    let line = this.index.line(pos)
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      if (this.atLineStart) {
        this.lineMap.push(line)
        this.atLineStart = false
      }
      if (newline === -1) break
      this.atLineStart = true
      if (fromSource) line++
      start = newline + 1
      if (start === text.length) break
    }
    this.lastLine = line
    this.parts.push(text)
  }

  finish(): RenderedText {
    if (this.atLineStart) this.lineMap.push(this.lastLine)
    const { chunks, index } = this
    return {
      text: this.parts.join(''),
      lineMap: this.lineMap,
      // Source text maps character by character; an action's output maps to the action (its `{{`).
      templatePosition: offset => {
        let low = 0
        let high = chunks.length - 1
        if (high < 0) return { line: 1, column: 1 }
        while (low < high) {
          const mid = (low + high + 1) >> 1
          if (chunks[mid]!.out <= offset) low = mid
          else high = mid - 1
        }
        const chunk = chunks[low]!
        const pos = chunk.fromSource ? chunk.pos + Math.max(0, offset - chunk.out) : chunk.pos
        return { line: index.line(pos), column: index.column(pos) }
      }
    }
  }
}

interface Variable {
  readonly name: string
  value: unknown
}

export class Executor {
  private readonly vars: Variable[]
  private readonly out: Output
  private readonly budget: Budget
  private templateDepth = 0

  constructor(
    private readonly index: LineIndex,
    private readonly functions: FunctionMap,
    data: unknown,
    limits: RenderLimits = DEFAULT_LIMITS,
    private readonly defines: ReadonlyMap<string, readonly Node[]> = new Map()
  ) {
    this.vars = [{ name: '$', value: data }]
    this.budget = new Budget(index, limits)
    this.out = new Output(index, this.budget)
  }

  async run(nodes: readonly Node[], data: unknown): Promise<RenderedText> {
    await this.walkList(data, nodes)
    return this.out.finish()
  }

  private async walkList(dot: unknown, nodes: readonly Node[]): Promise<void> {
    for (const node of nodes) await this.walk(dot, node)
  }

  private async walk(dot: unknown, node: Node): Promise<void> {
    if (node.type !== 'text') this.budget.step(node.pos)
    switch (node.type) {
      case 'text':
        this.out.emit(node.text, node.pos, true)
        return
      case 'action': {
        const value = await this.evalPipeline(dot, node.pipe)
        if (node.pipe.decl.length === 0) this.out.emit(printable(value), node.pos, false)
        return
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length
        const value = await this.evalPipeline(dot, node.pipe)
        if (isTrue(value)) await this.walkList(node.type === 'with' ? value : dot, node.list)
        else if (node.elseList) await this.walkList(dot, node.elseList)
        this.vars.length = mark
        return
      }
      case 'range':
        return this.walkRange(dot, node.pipe, node.list, node.elseList, node.pos)
      case 'break':
      case 'continue':
        throw new LoopSignal(node.type)
      case 'template':
        return this.walkTemplate(dot, node.name, node.pipe, node.pos)
    }
  }

  /** `{{template "name" pipeline}}`: the named template with dot set to the value, and only `$` in scope. */
  private async walkTemplate(
    dot: unknown,
    name: string,
    pipe: Pipeline | undefined,
    pos: number
  ): Promise<void> {
    const body = this.defines.get(name)
    if (!body) throw this.index.error(`no such template "${name}"`, pos)
    const value = pipe ? await this.evalPipeline(dot, pipe) : undefined
    // Go stops at 100000 nested templates; a JS stack ends sooner, so we stop at MAX_TEMPLATE_DEPTH.
    if (this.templateDepth >= MAX_TEMPLATE_DEPTH)
      throw this.index.error(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`, pos, {
        hint: 'a template that calls itself needs a condition that ends the recursion'
      })
    const saved = this.vars.splice(0)
    this.vars.push({ name: '$', value })
    this.templateDepth++
    try {
      await this.walkList(value, body)
    } finally {
      this.templateDepth--
      this.vars.splice(0, this.vars.length, ...saved)
    }
  }

  private async walkRange(
    dot: unknown,
    pipe: Pipeline,
    list: readonly Node[],
    elseList: readonly Node[] | undefined,
    pos: number
  ): Promise<void> {
    const mark = this.vars.length
    const value = await this.evalCommands(dot, pipe)
    // As Go's evalPipeline: the variables first get x itself (`range $v := x`, `range $v = x`), so they are x
    // in {{else}}; each iteration then sets them.
    for (const name of pipe.decl) this.setVar(name, value, pipe.isAssign)
    const declared = this.vars.length
    let items: Iterable<[unknown, unknown]>
    let count: number
    if (Array.isArray(value))
      [items, count] = [value.map((v, i) => [i, v] as [unknown, unknown]), value.length]
    else if (kindOf(value) === 'int') {
      // Go 1.22+ ranges over an int with one variable only.
      if (pipe.decl.length > 1)
        throw this.index.error(`can't use ${formatValue(value)} to iterate over more than one variable`, pos)
      // Counted lazily: `range 100000000` must hit the step limit, not build a list of 10^8 pairs first.
      const n = intOf(value)
      ;[items, count] = [upTo(n), n > 0n ? 1 : 0]
    } else if (value === null || value === undefined) [items, count] = [[], 0]
    else if (isMap(value)) {
      const entries = mapEntries(value)
      ;[items, count] = [entries, entries.length]
    } else throw this.index.error(`range can't iterate over ${formatValue(value)}`, pos)

    for (const [key, element] of items) {
      this.budget.step(pos)
      if (pipe.isAssign) {
        // with two variables the index comes first; with one, the element
        this.setVar(pipe.decl[0]!, pipe.decl.length > 1 ? key : element, true)
        if (pipe.decl.length > 1) this.setVar(pipe.decl[1]!, element, true)
      } else if (pipe.decl.length > 0) {
        this.vars[declared - 1]!.value = element
        if (pipe.decl.length > 1) this.vars[declared - 2]!.value = key
      }
      try {
        await this.walkList(element, list)
      } catch (signal) {
        if (!(signal instanceof LoopSignal)) throw signal
        if (signal.kind === 'break') break
      } finally {
        this.vars.length = declared
      }
    }
    if (count === 0 && elseList) await this.walkList(dot, elseList)
    this.vars.length = mark
  }

  private setVar(name: string, value: unknown, isAssign: boolean): void {
    if (!isAssign) {
      this.vars.push({ name, value })
      return
    }
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value
        return
      }
    }
  }

  private getVar(name: string, pos: number): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i]!.name === name) return this.vars[i]!.value
    throw this.index.error(`undefined variable: ${name}`, pos)
  }

  private async evalCommands(dot: unknown, pipe: Pipeline): Promise<unknown> {
    let value: unknown = NO_FINAL
    for (const cmd of pipe.cmds) value = await this.evalCommand(dot, cmd, value)
    return value
  }

  private async evalPipeline(dot: unknown, pipe: Pipeline): Promise<unknown> {
    const value = await this.evalCommands(dot, pipe)
    for (const name of pipe.decl) this.setVar(name, value, pipe.isAssign)
    return value
  }

  private async evalCommand(dot: unknown, cmd: Command, final: Final): Promise<unknown> {
    const [first, ...rest] = cmd.args as [Operand, ...Operand[]]
    switch (first.type) {
      case 'identifier':
        return this.callFunction(dot, first.name, first.pos, rest, final)
      case 'field':
        return this.evalFields(dot, dot, first.names, first.pos, rest, final)
      case 'variable':
        return this.evalFields(dot, this.getVar(first.name, first.pos), first.fields, first.pos, rest, final)
      case 'pipeline': {
        const value = await this.evalPipeline(dot, first.pipe)
        return this.evalFields(dot, value, first.fields, first.pos, rest, final)
      }
      case 'nil':
        throw this.index.error('nil is not a command', first.pos)
      default:
        if (rest.length > 0 || final !== NO_FINAL) {
          throw this.index.error(`can't give argument to non-function ${describeOperand(first)}`, first.pos)
        }
        return this.evalArg(dot, first)
    }
  }

  private async evalArg(dot: unknown, arg: Operand): Promise<unknown> {
    switch (arg.type) {
      case 'dot':
        return dot
      case 'nil':
        return null
      case 'number':
        if (arg.value === undefined) throw this.index.error(`${arg.text} overflows int`, arg.pos)
        return arg.value
      case 'string':
      case 'bool':
        return arg.value
      case 'identifier':
        return this.callFunction(dot, arg.name, arg.pos, [], NO_FINAL)
      case 'field':
        return this.evalFields(dot, dot, arg.names, arg.pos, [], NO_FINAL)
      case 'variable':
        return this.evalFields(dot, this.getVar(arg.name, arg.pos), arg.fields, arg.pos, [], NO_FINAL)
      case 'pipeline':
        return this.evalFields(dot, await this.evalPipeline(dot, arg.pipe), arg.fields, arg.pos, [], NO_FINAL)
    }
  }

  private async evalFields(
    dot: unknown,
    receiver: unknown,
    names: readonly string[],
    pos: number,
    args: readonly Operand[],
    final: Final
  ): Promise<unknown> {
    let value = receiver
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      const last = i === names.length - 1
      // No value (nil data, a missing key) gives no value, as Go's default missingkey option does; a nil
      // value (JSON null) has no fields.
      if (value === undefined) return undefined
      if (value === null) throw this.index.error(`nil pointer evaluating interface {}.${name}`, pos)
      let field: unknown
      if (value instanceof Map) field = value.get(name)
      else if (isMap(value)) field = (value as Record<string, unknown>)[name]
      else throw this.index.error(`can't evaluate field ${name} in type ${goTypeName(value)}`, pos)
      if (typeof field === 'function') {
        const callArgs = last ? await this.evalArgs(dot, args, final) : []
        field = await this.invoke(name, pos, () =>
          (field as (...a: unknown[]) => unknown).apply(value, callArgs)
        )
      } else if (last && (args.length > 0 || final !== NO_FINAL)) {
        throw this.index.error(`${name} has arguments but cannot be invoked as function`, pos)
      }
      value = field
    }
    if (names.length === 0 && (args.length > 0 || final !== NO_FINAL)) {
      throw this.index.error(`can't give argument to non-function ${formatValue(value)}`, pos)
    }
    return value
  }

  private async evalArgs(dot: unknown, args: readonly Operand[], final: Final): Promise<unknown[]> {
    const values: unknown[] = []
    for (const arg of args) values.push(await this.evalArg(dot, arg))
    if (final !== NO_FINAL) values.push(final)
    return values
  }

  private async callFunction(
    dot: unknown,
    name: string,
    pos: number,
    args: readonly Operand[],
    final: Final
  ): Promise<unknown> {
    const user = Object.prototype.hasOwnProperty.call(this.functions, name) ? this.functions[name] : undefined
    if (!user && (name === 'and' || name === 'or')) return this.andOr(dot, name, pos, args, final)
    const fn = user ?? (Object.prototype.hasOwnProperty.call(BUILTINS, name) ? BUILTINS[name] : undefined)
    if (!fn) throw this.index.error(`function "${name}" not defined`, pos)
    const values = await this.evalArgs(dot, args, final)
    return this.invoke(name, pos, () => fn(...values))
  }

  /** Go 1.18+: `and`/`or` evaluate arguments in order and stop at the deciding one, which they return. */
  private async andOr(dot: unknown, name: 'and' | 'or', pos: number, args: readonly Operand[], final: Final) {
    const count = args.length + (final === NO_FINAL ? 0 : 1)
    if (count === 0) throw this.index.error(`wrong number of args for ${name}: want at least 1 got 0`, pos)
    let value: unknown
    for (let i = 0; i < count; i++) {
      value = i < args.length ? await this.evalArg(dot, args[i]!) : final
      if (isTrue(value) === (name === 'or')) return value
    }
    return value
  }

  private async invoke(name: string, pos: number, call: () => unknown): Promise<unknown> {
    let result: unknown
    try {
      result = await call()
    } catch (error) {
      if (error instanceof CallShapeError) throw this.index.error(error.message, pos, { cause: error })
      const message = error instanceof Error ? error.message : String(error)
      const hint =
        error instanceof Error && 'hint' in error && typeof error.hint === 'string' ? error.hint : undefined
      throw this.index.error(`error calling ${name}: ${message}`, pos, { hint, cause: error })
    }
    // A value can grow without being printed (`$x = printf "%s%s" $x $x` doubles it each time).
    if (typeof result === 'string') this.budget.checkSize(result.length, pos, `the value of ${name}`)
    this.budget.checkTime(pos)
    return result
  }
}

const MAX_TEMPLATE_DEPTH = 1000

function* upTo(n: bigint): Generator<[unknown, unknown]> {
  for (let i = 0; i < n; i++) yield [undefined, i]
}

/** How an action prints its value: Go's `<no value>` for nil, else fmt's `%v`. */
function printable(value: unknown): string {
  if (value === null || value === undefined) return '<no value>'
  return formatValue(value)
}

function describeOperand(operand: Operand): string {
  switch (operand.type) {
    case 'string':
      return JSON.stringify(operand.value)
    case 'number':
      return operand.text
    case 'bool':
      return String(operand.value)
    case 'dot':
      return '.'
    default:
      return operand.type
  }
}
