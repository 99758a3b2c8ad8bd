// Builds the ecspresso CLI from its Go module once and caches it under .cache/ (git-ignored), so the
// conformance test can compare our rendering with ecspresso's. Run by hand to build ahead of time:
//   node test/ecspresso/harness.mjs
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ECSPRESSO_VERSION = 'v2.8.7'
const MODULE = 'github.com/kayac/ecspresso/v2/cmd/ecspresso'
const root = fileURLToPath(new URL('../..', import.meta.url))
const cacheDir = join(root, '.cache', 'ecspresso', ECSPRESSO_VERSION)
const binary = join(cacheDir, 'bin', 'ecspresso')
const failureFile = join(cacheDir, 'build-failure.txt')
// A failed download is remembered for an hour, so reruns do not wait on it again.
const FAILURE_TTL_MS = 60 * 60 * 1000

function goAvailable() {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0
}

/** True when the failure is about reaching the module, not about the build itself. */
function isDownloadFailure(text) {
  return /403|404|410|not available|dial tcp|no such host|connection refused|i\/o timeout|TLS handshake|proxyconnect/i.test(
    text
  )
}

/**
 * Returns `{ ok: true, bin }` with a runnable ecspresso, or `{ ok: false, skip, reason }`. `skip` is true when
 * ecspresso cannot be had here (no Go, or its module cannot be downloaded); false for a real build failure.
 * ECSPRESSO_BIN names a binary to use instead of building.
 */
export function ensureEcspresso() {
  const given = process.env.ECSPRESSO_BIN
  if (given)
    return existsSync(given)
      ? { ok: true, bin: given }
      : { ok: false, skip: false, reason: `ECSPRESSO_BIN=${given} does not exist` }
  if (existsSync(binary)) return { ok: true, bin: binary }
  if (!goAvailable())
    return { ok: false, skip: true, reason: 'Go is not installed, so ecspresso cannot be built' }
  if (existsSync(failureFile) && Date.now() - statSync(failureFile).mtimeMs < FAILURE_TTL_MS) {
    return JSON.parse(readFileSync(failureFile, 'utf8'))
  }
  mkdirSync(cacheDir, { recursive: true })
  const result = spawnSync('go', ['install', `${MODULE}@${ECSPRESSO_VERSION}`], {
    encoding: 'utf8',
    env: { ...process.env, GOBIN: join(cacheDir, 'bin'), GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    timeout: 20 * 60 * 1000
  })
  if (result.status === 0 && existsSync(binary)) return { ok: true, bin: binary }
  const output = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`
    .trim()
    .split('\n')
    .slice(-5)
    .join('\n')
  const failure = {
    ok: false,
    skip: isDownloadFailure(output),
    reason: `go install ${MODULE}@${ECSPRESSO_VERSION} failed:\n${output}`
  }
  writeFileSync(failureFile, JSON.stringify(failure))
  return failure
}

/**
 * Runs `ecspresso render --config <config> <target>` with only the given environment (plus PATH/HOME and
 * dummy AWS settings: render reads no AWS API, but the SDK config wants a region and credentials).
 */
export function ecspressoRender(bin, configPath, target, env) {
  return execFileSync(bin, ['render', '--config', configPath, target], {
    encoding: 'utf8',
    cwd: join(configPath, '..'),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60 * 1000
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = ensureEcspresso()
  console.log(result.ok ? `ecspresso ${ECSPRESSO_VERSION}: ${result.bin}` : result.reason)
  process.exitCode = result.ok || result.skip ? 0 : 1
}
