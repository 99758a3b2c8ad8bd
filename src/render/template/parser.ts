/** Parser for the Go text/template subset. Builds the tree and checks variables before anything runs. */
import type { Command, Node, Operand, Pipeline } from './ast.js'
import { lex, type Token, type TokenKind } from './lexer.js'
import { GoFloat } from './format.js'
import { TemplateSyntaxError } from './positions.js'

type Stop = { readonly kind: 'end' | 'else' | 'eof'; readonly pos: number }

const DESCRIBE: Partial<Record<TokenKind, string>> = {
  rightDelim: '"}}"',
  leftDelim: '"{{"',
  rightParen: '")"',
  leftParen: '"("',
  pipe: '"|"',
  declare: '":="',
  assign: '"="',
  comma: '","',
  eof: 'EOF'
}

function describe(token: Token): string {
  if (token.kind === 'keyword') return `{{${token.value}}}`
  if (token.kind === 'string') return 'string'
  return DESCRIBE[token.kind] ?? `"${token.value}"`
}

export interface Parsed {
  readonly nodes: Node[]
  /** Templates named by `define` and `block`. */
  readonly defines: ReadonlyMap<string, readonly Node[]>
}

/** go-config names the template it parses `conf`: a define of that name and the file are one template. */
export const MAIN_TEMPLATE = 'conf'

export function parseNodes(source: string): Parsed {
  const parser = new Parser(lex(source))
  let nodes = parser.parseRoot()
  // As Go adds the file's own tree last: an empty file gives way to a define of its name, else they clash.
  const defined = parser.defines.get(MAIN_TEMPLATE)
  if (defined !== undefined && !isEmptyTree(defined)) {
    if (!isEmptyTree(nodes))
      throw new TemplateSyntaxError(
        `template: multiple definition of template "${MAIN_TEMPLATE}"`,
        parser.definePos.get(MAIN_TEMPLATE) ?? 0,
        `the file itself is the template "${MAIN_TEMPLATE}"; give the define another name`
      )
    nodes = defined
  }
  parser.defines.set(MAIN_TEMPLATE, nodes)
  return { nodes, defines: parser.defines }
}

/** Go's parse.IsEmptyTree: only white space (and comments); such a definition may be replaced. */
function isEmptyTree(nodes: readonly Node[]): boolean {
  return nodes.every(node => node.type === 'text' && node.text.trim() === '')
}

class Parser {
  private index = 0
  private readonly vars: string[] = ['$']
  private rangeDepth = 0
  private depth = 0
  readonly defines = new Map<string, Node[]>()
  readonly definePos = new Map<string, number>()

  constructor(private readonly tokens: readonly Token[]) {}

  parseRoot(): Node[] {
    const { nodes, stop } = this.parseList()
    if (stop.kind !== 'eof') throw new TemplateSyntaxError(`unexpected {{${stop.kind}}}`, stop.pos)
    return nodes
  }

  private peek(): Token {
    return this.tokens[this.index]!
  }

  private next(): Token {
    const token = this.tokens[this.index]!
    if (token.kind !== 'eof') this.index++
    return token
  }

  private skipSpace(): Token {
    while (this.peek().kind === 'space') this.index++
    return this.peek()
  }

  private expectClose(context: string): void {
    const token = this.skipSpace()
    if (token.kind !== 'rightDelim')
      throw new TemplateSyntaxError(`unexpected ${describe(token)} in ${context}`, token.pos)
    this.next()
  }

  private parseList(): { nodes: Node[]; stop: Stop } {
    const nodes: Node[] = []
    for (;;) {
      const token = this.next()
      if (token.kind === 'eof') return { nodes, stop: { kind: 'eof', pos: token.pos } }
      if (token.kind === 'text') {
        nodes.push({ type: 'text', pos: token.pos, text: token.value })
        continue
      }
      // token is a left delimiter
      const first = this.skipSpace()
      if (first.kind !== 'keyword') {
        nodes.push({ type: 'action', pos: token.pos, pipe: this.parsePipeline('command', 'rightDelim') })
        continue
      }
      this.next()
      switch (first.value) {
        case 'end':
          this.expectClose('end')
          return { nodes, stop: { kind: 'end', pos: token.pos } }
        case 'else':
          return { nodes, stop: { kind: 'else', pos: token.pos } }
        case 'if':
        case 'with':
        case 'range':
          nodes.push(this.parseControl(first.value, token.pos))
          continue
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0)
            throw new TemplateSyntaxError(`{{${first.value}}} outside {{range}}`, token.pos)
          this.expectClose(first.value)
          nodes.push({ type: first.value, pos: token.pos })
          continue
        case 'define':
          if (this.depth > 0)
            throw new TemplateSyntaxError('{{define}} is only allowed at the top level', token.pos)
          this.parseDefine(this.templateName('define'), token.pos)
          continue
        case 'template': {
          const name = this.templateName('template')
          const next = this.skipSpace()
          const pipe =
            next.kind === 'rightDelim'
              ? (this.next(), undefined)
              : this.parsePipeline('template', 'rightDelim')
          nodes.push({ type: 'template', pos: token.pos, name, pipe })
          continue
        }
        case 'block': {
          const name = this.templateName('block')
          const pipe = this.parsePipeline('block', 'rightDelim')
          this.parseDefine(name, token.pos, true)
          nodes.push({ type: 'template', pos: token.pos, name, pipe })
          continue
        }
        default:
          throw new TemplateSyntaxError(`unexpected {{${first.value}}}`, first.pos)
      }
    }
  }

  /** The name after define, template or block: a string constant. */
  private templateName(context: string): string {
    const token = this.skipSpace()
    if (token.kind !== 'string')
      throw new TemplateSyntaxError(`unexpected ${describe(token)} in ${context} clause`, token.pos)
    this.next()
    return token.value
  }

  /** The body of a define or block, up to its {{end}}, parsed in a scope of its own (only `$`). */
  private parseDefine(name: string, pos: number, pipelineDone = false): void {
    if (!pipelineDone) this.expectClose('define clause')
    const vars = this.vars.splice(0)
    this.vars.push('$')
    const rangeDepth = this.rangeDepth
    this.rangeDepth = 0
    this.depth++
    const body = this.parseList()
    this.depth--
    this.rangeDepth = rangeDepth
    this.vars.splice(0, this.vars.length, ...vars)
    if (body.stop.kind === 'eof')
      throw new TemplateSyntaxError(`unexpected EOF: {{define}} has no matching {{end}}`, pos)
    if (body.stop.kind === 'else') throw new TemplateSyntaxError('unexpected {{else}}', body.stop.pos)
    const existing = this.defines.get(name)
    if (existing === undefined || isEmptyTree(existing)) {
      this.defines.set(name, body.nodes)
      this.definePos.set(name, pos)
    } else if (!isEmptyTree(body.nodes))
      throw new TemplateSyntaxError(`template: multiple definition of template "${name}"`, pos)
  }

  private parseControl(type: 'if' | 'with' | 'range', pos: number): Node {
    const mark = this.vars.length
    const pipe = this.parsePipeline(type, 'rightDelim')
    if (type === 'range') this.rangeDepth++
    this.depth++
    const body = this.parseList()
    this.depth--
    if (type === 'range') this.rangeDepth--
    let elseList: Node[] | undefined
    if (body.stop.kind === 'eof') {
      throw new TemplateSyntaxError(`unexpected EOF: {{${type}}} has no matching {{end}}`, pos)
    }
    if (body.stop.kind === 'else') {
      const next = this.skipSpace()
      if (type !== 'range' && next.kind === 'keyword' && next.value === type) {
        // `{{else if …}}` / `{{else with …}}`: a nested branch that shares our {{end}}
        this.next()
        elseList = [this.parseControl(type, body.stop.pos)]
      } else {
        this.expectClose('else')
        this.depth++
        const rest = this.parseList()
        this.depth--
        if (rest.stop.kind === 'eof') {
          throw new TemplateSyntaxError(`unexpected EOF: {{${type}}} has no matching {{end}}`, pos)
        }
        if (rest.stop.kind === 'else') {
          throw new TemplateSyntaxError(`expected {{end}}; found {{else}}`, rest.stop.pos)
        }
        elseList = rest.nodes
      }
    }
    this.vars.length = mark
    return { type, pos, pipe, list: body.nodes, elseList }
  }

  private parsePipeline(context: string, end: 'rightDelim' | 'rightParen', openPos = 0): Pipeline {
    const start = this.skipSpace()
    const decl: string[] = []
    let isAssign = false
    if (start.kind === 'variable') {
      const save = this.index
      this.next()
      const after = this.skipSpace()
      if (after.kind === 'declare' || after.kind === 'assign') {
        this.next()
        decl.push(start.value)
        isAssign = after.kind === 'assign'
      } else if (after.kind === 'comma' && context === 'range') {
        this.next()
        const second = this.skipSpace()
        if (second.kind !== 'variable')
          throw new TemplateSyntaxError('range can only initialize variables', second.pos)
        this.next()
        const op = this.skipSpace()
        if (op.kind !== 'declare' && op.kind !== 'assign') {
          throw new TemplateSyntaxError(`unexpected ${describe(op)} in range`, op.pos)
        }
        this.next()
        decl.push(start.value, second.value)
        isAssign = op.kind === 'assign'
      } else {
        this.index = save
      }
      if (isAssign) for (const name of decl) this.checkVariable(name, start.pos)
    }

    const cmds: Command[] = []
    for (;;) {
      const token = this.skipSpace()
      if (token.kind === end) {
        this.next()
        break
      }
      if (token.kind === 'rightDelim') throw new TemplateSyntaxError('unclosed left paren', openPos)
      if (token.kind === 'rightParen') throw new TemplateSyntaxError('unexpected right paren', token.pos)
      if (token.kind === 'pipe') throw new TemplateSyntaxError('missing value for command', token.pos)
      cmds.push(this.parseCommand(end))
    }
    if (cmds.length === 0) throw new TemplateSyntaxError(`missing value for ${context}`, start.pos)
    for (let i = 1; i < cmds.length; i++) {
      const first = cmds[i]!.args[0]!
      if (['string', 'number', 'bool', 'nil', 'dot'].includes(first.type)) {
        throw new TemplateSyntaxError(`non executable command in pipeline stage ${i + 1}`, first.pos)
      }
    }
    // Declared variables become visible after their pipeline.
    if (!isAssign) this.vars.push(...decl)
    return { pos: start.pos, decl, isAssign, cmds }
  }

  private parseCommand(end: TokenKind): Command {
    const args: Operand[] = []
    const pos = this.peek().pos
    for (;;) {
      const token = this.skipSpace()
      if (token.kind === end || token.kind === 'rightDelim' || token.kind === 'rightParen') break
      if (token.kind === 'pipe') {
        this.next()
        if (args.length === 0) throw new TemplateSyntaxError('missing value for command', token.pos)
        break
      }
      const operand = this.parseOperand()
      if (!operand) throw new TemplateSyntaxError(`unexpected ${describe(token)} in command`, token.pos)
      args.push(operand)
      const after = this.peek()
      if (after.kind === 'space' || after.kind === 'pipe' || after.kind === end) continue
      if (after.kind === 'rightDelim' || after.kind === 'rightParen') continue
      throw new TemplateSyntaxError(`unexpected ${describe(after)} in operand`, after.pos)
    }
    return { pos, args }
  }

  private fieldChain(): string[] {
    const names: string[] = []
    while (this.peek().kind === 'field') names.push(this.next().value)
    return names
  }

  private parseOperand(): Operand | undefined {
    const token = this.peek()
    const { pos } = token
    let operand: Operand
    switch (token.kind) {
      case 'identifier':
        this.next()
        operand = { type: 'identifier', pos, name: token.value }
        break
      case 'dot':
        this.next()
        operand = { type: 'dot', pos }
        break
      case 'field':
        return { type: 'field', pos, names: this.fieldChain() }
      case 'variable':
        this.next()
        this.checkVariable(token.value, pos)
        return { type: 'variable', pos, name: token.value, fields: this.fieldChain() }
      case 'string':
        this.next()
        operand = { type: 'string', pos, value: token.value }
        break
      case 'char':
        this.next()
        operand = { type: 'number', pos, value: token.value.codePointAt(0)!, text: `'${token.value}'` }
        break
      case 'number':
        this.next()
        operand = { type: 'number', pos, value: parseNumber(token.value, pos), text: token.value }
        break
      case 'bool':
        this.next()
        operand = { type: 'bool', pos, value: token.value === 'true' }
        break
      case 'nil':
        this.next()
        operand = { type: 'nil', pos }
        break
      case 'leftParen': {
        this.next()
        const pipe = this.parsePipeline('parenthesized pipeline', 'rightParen', pos)
        return { type: 'pipeline', pos, pipe, fields: this.fieldChain() }
      }
      default:
        return undefined
    }
    const after = this.peek()
    if (after.kind === 'field')
      throw new TemplateSyntaxError(`unexpected . after term "${token.value}"`, after.pos)
    return operand
  }

  private checkVariable(name: string, pos: number): void {
    if (!this.vars.includes(name)) throw new TemplateSyntaxError(`undefined variable "${name}"`, pos)
  }
}

const INT64_MAX = 2n ** 63n - 1n

/**
 * A number constant typed as Go's template executor types it (idealConstant): a float64 when written with
 * `.`, `e` or `p` (not in a hex int), else an int; an int beyond int64 is kept as "overflows int", an error
 * when executed, as in Go. Beyond uint64, Go refuses it when parsing.
 */
function parseNumber(text: string, pos: number): number | bigint | GoFloat | undefined {
  const bad = () => new TemplateSyntaxError(`bad number syntax: "${text}"`, pos)
  if (text.endsWith('i')) throw new TemplateSyntaxError(`complex numbers are not supported: "${text}"`, pos)
  const negative = text.startsWith('-')
  const body = text.replace(/^[+-]/, '')
  if (/^0[xX]/.test(body) ? /[pP]/.test(body) : /[.eEpP]/.test(body))
    return new GoFloat(parseFloatLiteral(body, bad) * (negative ? -1 : 1))
  if (/(^_|_$|__|[xXoObB]_?$)/.test(body) || /_/.test(body.slice(0, 1))) throw bad()
  const clean = body.replace(/_/g, '')
  let digits = clean
  let prefix = ''
  if (/^0[xXoObB]/.test(clean)) {
    prefix = clean.slice(0, 2).toLowerCase()
    digits = clean.slice(2)
  } else if (/^0\d/.test(clean)) {
    prefix = '0o'
    digits = clean.slice(1)
  }
  const valid = { '0x': /^[0-9a-fA-F]+$/, '0o': /^[0-7]+$/, '0b': /^[01]+$/, '': /^\d+$/ }[prefix]!
  if (!valid.test(digits)) throw bad()
  let n = BigInt(prefix === '' ? digits : prefix + digits)
  if (negative) n = -n
  if (n > 2n ** 64n - 1n || n < -(2n ** 63n))
    throw new TemplateSyntaxError(`integer overflow: "${text}"`, pos)
  if (n > INT64_MAX) return undefined
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
}

function parseFloatLiteral(body: string, bad: () => Error): number {
  const clean = body.replace(/_/g, '')
  if (/^0[xX]/.test(clean)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean)
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw bad()
    const frac = m[2] ?? ''
    const mantissa = BigInt('0x' + (m[1]! + frac || '0'))
    return Number(mantissa) * 2 ** (Number(m[3]) - 4 * frac.length)
  }
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) throw bad()
  const value = Number(clean)
  if (!Number.isFinite(value)) throw bad()
  return value
}
