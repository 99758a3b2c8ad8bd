// README's "Try it locally", run as a fresh user runs it: its two shell blocks, taken from the README between
// their markers, the emulator in one process and the CLI commands in a shell, so the README cannot rot.
// Two changes only: `npm ci` is skipped (the test runs in an installed clone) and port 4566 becomes a free one.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { expect } from '../helpers/expect.js'
import { repoRoot } from '../helpers/run-action.js'

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')

/** The first ```sh block after `<!-- try-it-locally:NAME -->`. */
function block(name: string): string {
  const at = readme.indexOf(`<!-- try-it-locally:${name} -->`)
  if (at < 0) throw new Error(`README has no <!-- try-it-locally:${name} --> marker`)
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))
  if (!match) throw new Error(`no sh block after the ${name} marker`)
  return match[1]!
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A shell as a person's terminal has it: PATH and HOME, no AWS or runner variables. */
const shellEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }

const describeWhenBuilt = existsSync(join(repoRoot, 'dist', 'index.js')) ? describe : describe.skip

describeWhenBuilt('README: Try it locally', () => {
  it('the emulator block starts the seeded emulator; the CLI block plans, deploys, fails and rolls back, migrates', async () => {
    const port = String(await freePort())
    const emulatorLines = block('emulator')
      .split('\n')
      .filter(line => line.trim() !== '' && line.trim() !== 'npm ci')
    expect(emulatorLines).toHaveLength(1)
    expect(emulatorLines[0]).toContain('--seed examples/rolling/seed.json')
    const emulator = spawn('bash', ['-c', emulatorLines[0]!.replace('4566', port)], {
      cwd: repoRoot,
      env: shellEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        emulator.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          if (out.includes(`EMULATOR_ENDPOINT=http://127.0.0.1:${port}`)) resolve()
        })
        emulator.on('exit', code => reject(new Error(`the emulator exited with ${code}: ${out}`)))
      })

      const script = block('cli')
      expect(script).toContain('4566')
      const shell = spawn('bash', ['-e', '-c', script.replaceAll('4566', port)], {
        cwd: repoRoot,
        env: shellEnv,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const code = await new Promise<number | null>(resolve => shell.on('close', resolve))
      expect(code, stderr).toBe(0)
      // The four commands' statuses, in order, as README's comments say.
      expect([...stdout.matchAll(/^status: (\S+)$/gm)].map(m => m[1])).toEqual([
        'dry-run',
        'succeeded',
        'rolled-back',
        'succeeded'
      ])
      expect(stdout).toContain('exit code 1: rolled back, the summary says why')
      expect(stdout).toContain('CannotPullContainerError')
      expect(stderr).toContain('2 migrations applied')
    } finally {
      if (emulator.pid !== undefined) process.kill(-emulator.pid, 'SIGTERM')
    }
  }, 240_000)
})
