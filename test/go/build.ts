/**
 * Builds a small Go program of the tests (a differential oracle) once into .cache/, keyed by a hash of its
 * sources and the Go version, so an edited program or another Go is built afresh and parallel test files
 * never see a half-written binary.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const repoRoot = resolve(import.meta.dirname, '..', '..')

export type GoBuild =
  | { readonly ok: true; readonly binary: string }
  /** `skip`: Go or a module it needs cannot be had here; otherwise the build itself failed (a test failure). */
  | { readonly ok: false; readonly skip: boolean; readonly reason: string }

/** Output of a build that could not download a module (the proxy refused, no network). */
const DOWNLOAD_FAILURE =
  /403|404|410|dial tcp|no such host|connection refused|i\/o timeout|TLS handshake|proxyconnect/i

const built = new Map<string, GoBuild>()

/** `source`: the program's folder (main.go, go.mod, go.sum); `name`: the binary's name under .cache/. */
export function buildGoProgram(source: string, name: string): GoBuild {
  const known = built.get(source)
  if (known) return known
  const result = build(source, name)
  built.set(source, result)
  return result
}

function build(source: string, name: string): GoBuild {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' })
  if (version.status !== 0 || version.error) return { ok: false, skip: true, reason: 'Go is not installed' }
  const hash = createHash('sha256')
  for (const file of readdirSync(source).sort())
    if (/\.(go|mod|sum)$/.test(file)) hash.update(file).update(readFileSync(join(source, file)))
  hash.update(version.stdout)
  const binary = join(repoRoot, '.cache', 'go-oracles', `${name}-${hash.digest('hex').slice(0, 16)}`)
  if (existsSync(binary)) return { ok: true, binary }
  mkdirSync(dirname(binary), { recursive: true })
  const partial = `${binary}.${process.pid}.tmp`
  const run = spawnSync('go', ['build', '-trimpath', '-o', partial, '.'], {
    cwd: source,
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    timeout: 5 * 60_000
  })
  if (run.status !== 0) {
    const output = `${run.stderr ?? ''}${run.error ? String(run.error) : ''}`
    return { ok: false, skip: DOWNLOAD_FAILURE.test(output), reason: `go build of ${name} failed: ${output}` }
  }
  renameSync(partial, binary)
  return { ok: true, binary }
}

/** Sends `cases` to a built oracle as JSON lines on stdin and returns its answer lines, one a case. */
export function askGoOracle(binary: string, cases: readonly unknown[]): string[] {
  const result = spawnSync(binary, [], {
    input: `${cases.map(c => JSON.stringify(c)).join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  if (result.status !== 0) throw new Error(`${binary} exited with ${result.status}: ${result.stderr}`)
  return result.stdout.trimEnd().split('\n')
}
