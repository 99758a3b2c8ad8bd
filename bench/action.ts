// Runs the bundled action as the runner does (a node24 process, INPUT_* variables, GITHUB_* files), timing the
// process from spawn to exit and, where asked, its peak resident memory.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'

export const repoRoot = resolve(import.meta.dirname, '..')

/** The runtime action.yml names (node24, from the `node` dev dependency), else this Node. */
export const node = ((): string => {
  const pinned = join(repoRoot, 'node_modules', 'node', 'bin', 'node')
  return existsSync(pinned) ? pinned : process.execPath
})()

/** GNU time reports a child's peak RSS (`%M`, kB); without it memory is not measured. */
const GNU_TIME = '/usr/bin/time'
export const canMeasureRss = existsSync(GNU_TIME)

export interface ActionRunOptions {
  /** The bundle directory (dist/ unless told otherwise). */
  readonly dist: string
  readonly inputs: Record<string, string>
  readonly env?: Record<string, string>
  readonly cwd?: string
  /** Measure peak RSS through GNU time (adds its fork and exec to the process's start). */
  readonly rss?: boolean
  /** Log every file module the process loads (bench/loaded-files.mjs). */
  readonly loadedFiles?: boolean
  readonly timeoutMs?: number
}

export interface ActionRunResult {
  readonly exitCode: number | null
  /** Date.now() just before spawn and at exit, to compare with the emulator's request log. */
  readonly spawnedAt: number
  readonly exitedAt: number
  /** Spawn to exit, from the monotonic clock. */
  readonly wallMs: number
  readonly maxRssKb: number | undefined
  readonly loaded: string[]
  readonly stdout: string
  readonly outputs: string
}

export async function runBundledAction(options: ActionRunOptions): Promise<ActionRunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-deploy-bench-'))
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary.md'),
    event: join(dir, 'event.json'),
    rss: join(dir, 'rss'),
    loaded: join(dir, 'loaded')
  }
  await Promise.all([
    writeFile(files.output, ''),
    writeFile(files.summary, ''),
    writeFile(files.event, '{}'),
    writeFile(files.loaded, '')
  ])
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/web',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: options.cwd ?? repoRoot,
    RUNNER_TEMP: dir,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value

  const nodeArgs = [
    ...(options.loadedFiles ? ['--import', join(repoRoot, 'bench', 'loaded-files.mjs')] : []),
    join(resolve(repoRoot, options.dist), 'index.js')
  ]
  if (options.loadedFiles) env.LOADED_FILES_LOG = files.loaded
  const rss = options.rss === true && canMeasureRss
  const [command, args] = rss
    ? [GNU_TIME, ['-f', '%M', '-o', files.rss, node, ...nodeArgs]]
    : [node, nodeArgs]

  const spawnedAt = Date.now()
  const started = performance.now()
  const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const closed = new Promise(done => child.on('close', done))
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const exitCode = await new Promise<number | null>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`the action did not exit within ${options.timeoutMs ?? 120_000} ms\n${stdout}`))
    }, options.timeoutMs ?? 120_000)
    child.on('error', fail)
    child.on('exit', code => {
      clearTimeout(timer)
      done(code)
    })
  })
  const wallMs = performance.now() - started
  const exitedAt = Date.now()
  // Let stdout drain before reading what the process wrote.
  await closed
  return {
    exitCode,
    spawnedAt,
    exitedAt,
    wallMs,
    maxRssKb: rss ? Number((await readFile(files.rss, 'utf8')).trim().split('\n').pop()) : undefined,
    loaded: (await readFile(files.loaded, 'utf8')).split('\n').filter(Boolean),
    stdout,
    outputs: await readFile(files.output, 'utf8')
  }
}

/** `status` from a GITHUB_OUTPUT file. */
export function statusOf(outputs: string): string | undefined {
  return /^status<<(\S+)\n(.*)\n/m.exec(outputs)?.[2]
}
