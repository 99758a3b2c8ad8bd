import type { GoFloat } from './format.js'

/** Syntax tree of a parsed template. `pos` is the source offset of the node's first character. */

export type Node = TextNode | ActionNode | BranchNode | RangeNode | LoopControlNode | TemplateNode

/** `{{template "name" pipeline}}`; `block` is a define plus one of these. */
export interface TemplateNode {
  readonly type: 'template'
  readonly pos: number
  readonly name: string
  readonly pipe: Pipeline | undefined
}

export interface TextNode {
  readonly type: 'text'
  readonly pos: number
  readonly text: string
}

export interface ActionNode {
  readonly type: 'action'
  readonly pos: number
  readonly pipe: Pipeline
}

/** `if` and `with`: run `list` when the pipeline's value is true (for `with`, with dot set to it). */
export interface BranchNode {
  readonly type: 'if' | 'with'
  readonly pos: number
  readonly pipe: Pipeline
  readonly list: readonly Node[]
  readonly elseList: readonly Node[] | undefined
}

export interface RangeNode {
  readonly type: 'range'
  readonly pos: number
  readonly pipe: Pipeline
  readonly list: readonly Node[]
  readonly elseList: readonly Node[] | undefined
}

export interface LoopControlNode {
  readonly type: 'break' | 'continue'
  readonly pos: number
}

export interface Pipeline {
  readonly pos: number
  /** Variables declared (`:=`) or assigned (`=`) by this pipeline. */
  readonly decl: readonly string[]
  readonly isAssign: boolean
  readonly cmds: readonly Command[]
}

export interface Command {
  readonly pos: number
  readonly args: readonly Operand[]
}

export type Operand =
  | { readonly type: 'identifier'; readonly pos: number; readonly name: string }
  | { readonly type: 'dot'; readonly pos: number }
  | { readonly type: 'field'; readonly pos: number; readonly names: readonly string[] }
  | {
      readonly type: 'variable'
      readonly pos: number
      readonly name: string
      readonly fields: readonly string[]
    }
  | { readonly type: 'string'; readonly pos: number; readonly value: string }
  | {
      readonly type: 'number'
      readonly pos: number
      /** An int (number, or bigint beyond 2^53), a float64 (GoFloat), or undefined: overflows int. */
      readonly value: number | bigint | GoFloat | undefined
      readonly text: string
    }
  | { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
  | { readonly type: 'nil'; readonly pos: number }
  | {
      readonly type: 'pipeline'
      readonly pos: number
      readonly pipe: Pipeline
      readonly fields: readonly string[]
    }
