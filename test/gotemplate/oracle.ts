/**
 * Go's text/template as an oracle: builds main.go once into .cache/ (keyed by a hash of the source and the
 * Go version) and renders batches of templates in one process, JSON lines over stdin.
 */
import { spawnSync } from 'node:child_process'
import { buildGoProgram } from '../go/build.js'

const source = import.meta.dirname

export interface GoCase {
  readonly t: string
  readonly env?: Readonly<Record<string, string>>
  readonly data?: unknown
}

export type GoResult = { readonly out: string } | { readonly err: string }

export type Oracle = { ok: true; binary: string } | { ok: false; reason: string }

let built: Oracle | undefined

/** Builds the renderer, or says why it cannot be had here (no Go). A build that fails is an error. */
export function goTemplateOracle(): Oracle {
  if (built) return built
  const go = buildGoProgram(source, 'gotemplate-render')
  if (!go.ok && !go.skip) throw new Error(go.reason)
  built = go.ok
    ? { ok: true, binary: go.binary }
    : { ok: false, reason: `${go.reason}: the Go template differential test is skipped` }
  return built
}

/** Renders every case with Go, in one process. */
export function goRender(binary: string, cases: readonly GoCase[]): GoResult[] {
  const result = spawnSync(binary, [], {
    input: cases.map(c => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000
  })
  if (result.status !== 0) throw new Error(`the Go template oracle failed: ${result.stderr}`)
  const lines = result.stdout.trimEnd().split('\n')
  if (lines.length !== cases.length)
    throw new Error(`the Go template oracle answered ${lines.length} of ${cases.length} cases`)
  return lines.map(line => JSON.parse(line) as GoResult)
}
