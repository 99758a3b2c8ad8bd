/**
 * Go's text/template as an oracle: builds main.go once into .cache/ (keyed by a hash of the source and the
 * Go version) and renders batches of templates in one process, JSON lines over stdin.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const source = import.meta.dirname
const repoRoot = resolve(source, '..', '..')

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
  const version = spawnSync('go', ['version'], { encoding: 'utf8' })
  if (version.status !== 0 || version.error) {
    built = {
      ok: false,
      reason: 'Go is not installed (go version failed): the Go template differential test is skipped'
    }
    return built
  }
  const hash = createHash('sha256')
  for (const file of ['main.go', 'go.mod']) hash.update(readFileSync(join(source, file)))
  hash.update(version.stdout)
  const binary = join(repoRoot, '.cache', 'gotemplate', `render-${hash.digest('hex').slice(0, 16)}`)
  if (!existsSync(binary)) {
    mkdirSync(dirname(binary), { recursive: true })
    const partial = `${binary}.${process.pid}.tmp`
    const result = spawnSync('go', ['build', '-trimpath', '-o', partial, '.'], {
      cwd: source,
      encoding: 'utf8',
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
      timeout: 5 * 60_000
    })
    if (result.status !== 0) throw new Error(`go build of the template oracle failed: ${result.stderr}`)
    renameSync(partial, binary)
  }
  built = { ok: true, binary }
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
