/** Runs the emulator CLI as a child process, for black-box tests and the demo. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SeedFile } from './cli.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')

/** The Node 24 binary from devDependencies (plain `node` on the PATH may be older). */
export const NODE24 = join(root, 'node_modules', '.bin', 'node')

/** The command line that runs the CLI: `[node, ...args]`. */
export function emulatorCommand(seedPath: string, speed = 60): string[] {
  return [
    NODE24,
    '--experimental-transform-types',
    '--no-warnings',
    '--import',
    join(here, 'register.mjs'),
    join(here, 'cli.ts'),
    '--seed',
    seedPath,
    '--speed',
    String(speed),
    '--exit-on-stdin-close'
  ]
}

export interface EmulatorProcess {
  endpoint: string
  child: ChildProcess
  stop(): Promise<void>
}

export async function startEmulatorProcess(
  seed: SeedFile,
  options: { speed?: number } = {}
): Promise<EmulatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-'))
  const seedPath = join(dir, 'seed.json')
  writeFileSync(seedPath, JSON.stringify(seed))
  const [command, ...args] = emulatorCommand(seedPath, options.speed ?? 60)
  const child = spawn(command!, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const endpoint = await new Promise<string>((resolvePromise, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /EMULATOR_ENDPOINT=(\S+)/.exec(out)
      if (match) resolvePromise(match[1]!)
    })
    child.on('exit', code => reject(new Error(`emulator exited with ${code}: ${stderr}`)))
  })
  return {
    endpoint,
    child,
    stop: () =>
      new Promise(resolvePromise => {
        if (child.exitCode !== null) return resolvePromise()
        child.on('exit', () => resolvePromise())
        child.kill('SIGTERM')
      })
  }
}
