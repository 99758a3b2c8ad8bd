/**
 * moto server for comparison tests: a virtualenv under `.cache/` (created with pip on first use, reused
 * afterwards) and a `moto_server` child process on a free local port.
 *
 *   const moto = await startMoto()          // undefined when Python is missing: skip with `moto === undefined`
 *   new ECSClient({ endpoint: moto.endpoint, ... })
 *   await moto.reset(); await moto.stop()
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Pinned so replies stay the same run after run. */
export const MOTO_VERSION = '5.2.5'
export const MOTO_VENV = join(root, '.cache', 'moto-venv')

export interface Moto {
  endpoint: string
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>
  stop(): Promise<void>
}

/** The Python to build the virtualenv with, or undefined when there is none. */
export function findPython(): string | undefined {
  for (const candidate of [process.env.PYTHON, 'python3', 'python']) {
    if (!candidate) continue
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; print(sys.version_info[0])'], {
      encoding: 'utf8'
    })
    if (probe.status === 0 && probe.stdout.trim() === '3') return candidate
  }
  return undefined
}

export const SKIP_REASON = 'moto comparison skipped: no Python 3 with venv found (set PYTHON to point at one)'

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

function holderAlive(lock: string): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'))
  } catch {
    return true // just created, pid not written yet
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** One process at a time builds the venv; the others wait for it. */
async function withLock<T>(path: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(path)
      writeFileSync(join(path, 'pid'), String(process.pid))
      break
    } catch {
      // A holder that died (killed mid-install) leaves its lock behind: take it over.
      if (Date.now() - started > 10 * 60_000 || !holderAlive(path))
        rmSync(path, { recursive: true, force: true })
      await sleep(500)
    }
  }
  try {
    return await body()
  } finally {
    rmSync(path, { recursive: true, force: true })
  }
}

/** Creates (once) the virtualenv with moto[server]; returns the moto_server binary. */
export async function ensureMoto(python: string): Promise<string> {
  const server = join(MOTO_VENV, 'bin', 'moto_server')
  const stamp = join(MOTO_VENV, `.moto-${MOTO_VERSION}`)
  if (existsSync(stamp)) return server
  mkdirSync(dirname(MOTO_VENV), { recursive: true })
  return withLock(`${MOTO_VENV}.lock`, async () => {
    if (existsSync(stamp)) return server
    if (!existsSync(join(MOTO_VENV, 'bin', 'pip'))) await run(python, ['-m', 'venv', MOTO_VENV])
    await run(join(MOTO_VENV, 'bin', 'pip'), ['install', '--quiet', `moto[server]==${MOTO_VERSION}`], {
      maxBuffer: 16 * 1024 * 1024
    })
    mkdirSync(stamp)
    return server
  })
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const started = Date.now()
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log()}`)
    try {
      const res = await fetch(`${endpoint}/moto-api/`)
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  throw new Error(`moto_server did not start within 60s:\n${log()}`)
}

/** Starts moto server, or returns undefined when Python is missing (the caller skips with SKIP_REASON). */
export async function startMoto(): Promise<Moto | undefined> {
  const python = findPython()
  if (!python) return undefined
  const binary = await ensureMoto(python)
  const port = await freePort()
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  const endpoint = `http://127.0.0.1:${port}`
  await waitUntilUp(endpoint, child, () => output)
  return {
    endpoint,
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`)
    },
    stop: () =>
      new Promise(resolveStop => {
        if (child.exitCode !== null) return resolveStop()
        child.once('exit', () => resolveStop())
        child.kill('SIGTERM')
      })
  }
}
