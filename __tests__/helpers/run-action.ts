import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '..', '..')
const bundle = join(repoRoot, 'dist', 'index.js')

/** The action's runtime (node24, from the `node` dev dependency) when installed, else this Node. */
export const nodeBinary = ((): string => {
  const pinned = join(repoRoot, 'node_modules', 'node', 'bin', 'node')
  return existsSync(pinned) ? pinned : process.execPath
})()

export interface ActionRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
  /** The `::error::` line(s) the runner shows as the step's failure. */
  readonly errors: string[]
  readonly workDir: string
  /** With `signal`: ms from the first signal sent to the process's exit (undefined if none was sent). */
  readonly msFromSignalToExit: number | undefined
}

export interface RunOptions {
  /** Action inputs by their action.yml names (`image-tag`), as the runner passes them. */
  readonly inputs?: Record<string, string>
  readonly env?: Record<string, string>
  /** The webhook payload written to GITHUB_EVENT_PATH. */
  readonly event?: { name: string; payload: unknown }
  readonly cwd?: string
  readonly timeoutMs?: number
  /**
   * Sends signals to the process once a stdout line matches `after`, as the runner does when a job is
   * cancelled (SIGINT, then SIGTERM 7.5 s later): each of `send` in turn, `gapMs` apart.
   */
  readonly signal?: {
    readonly after: RegExp
    readonly send: readonly NodeJS.Signals[]
    readonly gapMs?: number
  }
}

/** Runs the bundled dist/index.js as the runner does: a child process with INPUT_* and GITHUB_* files. */
export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const workDir = await mkdtemp(join(tmpdir(), 'ecs-deploy-action-'))
  const outputFile = join(workDir, 'output')
  const summaryFile = join(workDir, 'summary.md')
  const eventFile = join(workDir, 'event.json')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  await writeFile(eventFile, JSON.stringify(options.event?.payload ?? {}))

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? workDir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: options.event?.name ?? 'push',
    GITHUB_REPOSITORY: 'octo-org/web',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: options.cwd ?? repoRoot,
    RUNNER_TEMP: workDir,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret-for-tests',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    // The runner upper-cases the name and keeps dashes: INPUT_IMAGE-TAG.
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }

  const child = spawn(nodeBinary, [bundle], {
    cwd: options.cwd ?? repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let signalledAt: number | undefined
  let exitedAt: number | undefined
  const timers: NodeJS.Timeout[] = []
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    const plan = options.signal
    if (plan === undefined || signalledAt !== undefined || !plan.after.test(stdout)) return
    signalledAt = Date.now()
    plan.send.forEach((name, i) => {
      timers.push(setTimeout(() => child.kill(name), i * (plan.gapMs ?? 7500)))
    })
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exitCode = await new Promise<number | null>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(
        new Error(`dist/index.js did not exit within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`)
      )
    }, options.timeoutMs ?? 60_000)
    child.on('error', fail)
    child.on('exit', () => (exitedAt = Date.now()))
    child.on('close', code => {
      clearTimeout(timer)
      timers.forEach(t => clearTimeout(t))
      done(code)
    })
  })
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    errors: stdout
      .split('\n')
      .filter(line => line.startsWith('::error'))
      .map(line => decodeCommand(line.replace(/^::error[^:]*::/, ''))),
    workDir,
    msFromSignalToExit:
      signalledAt === undefined || exitedAt === undefined ? undefined : exitedAt - signalledAt
  }
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const head = /^([^<=]+)<<(.+)$/.exec(lines[i]!)
    if (head) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== head[2]; i++) value.push(lines[i]!)
      outputs[head[1]!] = value.join('\n')
    } else if (lines[i]!.includes('=')) {
      const eq = lines[i]!.indexOf('=')
      outputs[lines[i]!.slice(0, eq)] = lines[i]!.slice(eq + 1)
    }
  }
  return outputs
}

function decodeCommand(text: string): string {
  return text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}
