// `npm run bench`: the action's cost to a deploy and to the AWS account, measured on the bundled dist/index.js
// run as whole processes, as the runner runs it, against the local emulator on loopback. Prints a table (median
// and spread of each figure against its budget) and writes bench/results.json.
//
//   npm run bench [-- --runs 5] [--quick] [--dist dist]
//
// Timed figures live here only; the deterministic ones are also asserted in __tests__/budgets/.
import { spawn } from 'node:child_process'
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { POLL_SCHEDULE } from '../src/ecs/watch.js'
import {
  startEmulator,
  unreliableDeployFaults,
  type Emulator,
  type FaultRule
} from '../test/emulator/index.js'
import { canMeasureRss, node, repoRoot, runBundledAction, statusOf, type ActionRunResult } from './action.js'
import { projectDir, seedService } from './fixtures.js'
import { deploySeveral, SERVICES } from './several.js'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
    /** `several`: only the several-services figures (their entries in results.json updated). */
    only: { type: 'string' }
  }
})
const runs = args.quick ? 3 : Math.max(1, Number(args.runs))
const stallRuns = args.quick ? 1 : 3
const dist = resolve(repoRoot, args.dist)

interface Figure {
  readonly name: string
  readonly unit: string
  readonly values: number[]
  /** Which statistic the budget applies to. */
  readonly judge: 'median' | 'max' | 'every'
  readonly budget: number | undefined
  readonly note?: string
}

const figures: Figure[] = []
const record = (figure: Figure) => {
  figures.push(figure)
  const stats = summarize(figure.values)
  console.log(
    `  ${figure.name}: median ${fmt(stats.median)} ${figure.unit} (${fmt(stats.min)}–${fmt(stats.max)})`
  )
}

function summarize(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(1))

function verdict(figure: Figure): boolean | undefined {
  if (figure.budget === undefined) return undefined
  const { median, max } = summarize(figure.values)
  if (figure.judge === 'median') return median <= figure.budget
  return max <= figure.budget
}

/** Converts the emulator's virtual timestamps (scaled real time) to Date.now() milliseconds. */
function realTime(emulator: Emulator, speed: number): (virtual: number) => number {
  const real = Date.now()
  const virtual = emulator.clock.now()
  return v => real + (v - virtual) / speed
}

/** When the service's current deployment completed, from its "deployment completed" event (virtual ms). */
function completedAt(emulator: Emulator): number {
  const service = emulator.describeService('prod', 'web') as {
    events: { createdAt: number; message: string }[]
  }
  const event = service.events.find(e => / deployment completed\.$/.test(e.message))
  if (!event) throw new Error('the rollout did not complete')
  return event.createdAt * 1000
}

const POLL_OPS = new Set(['DescribeServices', 'DescribeServiceDeployments'])

function pollTimes(emulator: Emulator): number[] {
  return emulator.requests.filter(r => r.operation === 'DescribeServices').map(r => r.time)
}

function expectSucceeded(run: ActionRunResult, what: string): void {
  if (run.exitCode !== 0 || statusOf(run.outputs) !== 'succeeded')
    throw new Error(`${what}: exit ${run.exitCode}, status ${statusOf(run.outputs)}\n${run.stdout}`)
}

async function deployOnce(options: {
  speed: number
  containers: number
  taskStartSeconds?: number
  faults?: readonly FaultRule[]
  rss?: boolean
  desiredCount?: number
}) {
  const emulator = await startEmulator({ clock: { mode: 'real', speed: options.speed } })
  try {
    const toReal = realTime(emulator, options.speed)
    emulator.createCluster('prod')
    seedService(emulator, options.containers, options.desiredCount ?? 2)
    if (options.taskStartSeconds !== undefined) emulator.scenario.taskStartSeconds(options.taskStartSeconds)
    for (const rule of options.faults ?? []) emulator.faults.add(rule)
    const dir = await projectDir(options.containers, options.desiredCount ?? 2)
    const run = await runBundledAction({
      dist,
      inputs: { config: join(dir, 'ecspresso.yml'), 'image-tag': 'v2' },
      env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1' },
      rss: options.rss ?? false
    })
    expectSucceeded(run, 'deploy')
    const requests = [...emulator.requests]
    const writes = await effectiveWrites(emulator)
    const polls = pollTimes(emulator).map(toReal)
    const gaps = polls.slice(1).map((p, i) => p - polls[i]!)
    const update = requests.find(r => r.operation === 'UpdateService' && !r.fault)
    return {
      run,
      firstRequestMs: toReal(requests[0]!.time) - run.spawnedAt,
      updateServiceMs: update === undefined ? Infinity : toReal(update.time) - run.spawnedAt,
      writes,
      pollCalls: requests.filter(r => POLL_OPS.has(r.operation)).length,
      latencyMs: run.exitedAt - toReal(completedAt(emulator)),
      maxGapMs: Math.max(0, ...gaps),
      exitAfterLastPollMs: run.exitedAt - (polls[polls.length - 1] ?? run.exitedAt),
      realMs: run.wallMs
    }
  } finally {
    await emulator.close()
  }
}

/**
 * Writes that took effect, in order. A registration whose reply was lost (a fault injected after it ran) took
 * effect though its request is marked faulted, so registrations are counted from the revisions that exist.
 */
async function effectiveWrites(emulator: Emulator): Promise<string[]> {
  const ecs = new ECSClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }
  })
  const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))
  ecs.destroy()
  const registered = (listed.taskDefinitionArns ?? []).length - 1 // less the seeded web:1
  const others = emulator
    .writes()
    .filter(r => r.operation !== 'RegisterTaskDefinition' && !r.fault && !r.error)
    .map(r => r.operation)
  return [...Array<string>(registered).fill('RegisterTaskDefinition'), ...others]
}

async function distSize(): Promise<{ total: number; files: number }> {
  let total = 0
  const names = await readdir(dist)
  for (const name of names) total += (await stat(join(dist, name))).size
  return { total, files: names.length }
}

/** Chunks holding AWS SDK code, by markers minification keeps (package names, service target prefixes). */
const SDK_MARKER =
  /@aws-sdk\/|@smithy\/|AmazonEC2ContainerServiceV20141113|CodeDeploy_20141006|AnyScaleFrontendService|AmazonSSM\b|secretsmanager\.|cloudformation\./
/** A marker minification keeps in the chunk that loads go-jsonnet's wasm. */
const JSONNET_MARKER = /jsonnet\.wasm\.br/

async function renderLarge(): Promise<{ expressions: number; coldMs: number; warmMs: number }> {
  const child = spawn(node, ['--import', 'tsx', join(repoRoot, 'bench', 'render-large.ts'), '20'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const code = await new Promise<number | null>(done => child.on('close', done))
  if (code !== 0) throw new Error(`render-large exited with ${code}`)
  return JSON.parse(out) as { expressions: number; coldMs: number; warmMs: number }
}

/**
 * 20 services in one step, rollouts of the same length, max-parallel 20, ECS's throttling on: wall time against
 * the slowest single-service rollout, DescribeServices calls per poll round, throttling errors.
 */
async function severalFigures(): Promise<void> {
  const count = args.quick ? 1 : Math.min(3, runs)
  console.log(
    `several services: ${SERVICES} in one step against single-service rollouts (${count} runs each)`
  )
  const singles = []
  for (let i = 0; i < count; i++) singles.push(await deploySeveral(dist, 1))
  const slowest = Math.max(...singles.map(s => s.run.wallMs))
  const several = []
  for (let i = 0; i < count; i++) several.push(await deploySeveral(dist, SERVICES))
  record({
    name: `several: ${SERVICES} services in one step, wall time ÷ slowest single rollout`,
    unit: '×',
    values: several.map(s => s.run.wallMs / slowest),
    judge: 'max',
    budget: 1.2,
    note: `slowest single ${fmt(slowest / 1000)} s; ${SERVICES} services ${several.map(s => fmt(s.run.wallMs / 1000)).join(', ')} s`
  })
  record({
    name: `several: DescribeServices calls per poll round, ${SERVICES} services on one cluster`,
    unit: 'calls',
    values: several.map(s => s.maxCallsPerRound),
    judge: 'max',
    budget: Math.ceil(SERVICES / 10),
    note: `mean ${several.map(s => s.meanCallsPerRound.toFixed(2)).join(', ')}`
  })
  record({
    name: "several: throttling errors at the emulator's ECS rate limits",
    unit: 'errors',
    values: [...singles, ...several].map(s => s.throttled),
    judge: 'every',
    budget: 0,
    note: `${several.map(s => s.requests).join(', ')} requests a step`
  })
}

async function main(): Promise<void> {
  const startedAt = Date.now()
  console.log(`bench: ${runs} runs a figure after a warm-up, dist ${args.dist}, ${cpus().length} cores`)
  if (args.only === 'several') {
    await severalFigures()
    printTable()
    // Only these figures change in results.json; each says when it was measured.
    const path = join(repoRoot, 'bench', 'results.json')
    const saved = JSON.parse(await readFile(path, 'utf8')) as { figures: { name: string }[] }
    const measured = new Date(startedAt).toISOString()
    const mine = figures.map(f => ({ ...f, ...summarize(f.values), ok: verdict(f), measured }))
    const kept = saved.figures.filter(f => !mine.some(m => m.name === f.name))
    const at = kept.findIndex(f => f.name.startsWith('dist/'))
    kept.splice(at < 0 ? kept.length : at, 0, ...mine)
    await writeFile(path, `${JSON.stringify({ ...saved, figures: kept }, null, 2)}\n`)
    console.log(`\nupdated the several-services figures in bench/results.json`)
    if (figures.some(f => verdict(f) === false)) process.exitCode = 1
    return
  }

  // 1. command: render of examples/rolling, process start to exit.
  console.log('render (examples/rolling)')
  const renderRun = () =>
    runBundledAction({
      dist,
      inputs: { command: 'render', config: 'examples/rolling/ecspresso.yml', 'image-tag': 'v1' },
      env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }
    })
  await renderRun()
  const renderMs: number[] = []
  for (let i = 0; i < runs; i++) {
    const run = await renderRun()
    if (run.exitCode !== 0) throw new Error(`render failed\n${run.stdout}`)
    renderMs.push(run.wallMs)
  }
  record({
    name: 'render: process start to exit',
    unit: 'ms',
    values: renderMs,
    judge: 'median',
    budget: 250
  })

  // What a render loads: the bundle's main file and the render command's chunk, no AWS SDK code.
  const traced = await runBundledAction({
    dist,
    inputs: { command: 'render', config: 'examples/rolling/ecspresso.yml', 'image-tag': 'v1' },
    loadedFiles: true
  })
  const loadedChunks = traced.loaded.filter(url => url.startsWith(`file://${dist}/`))
  let sdkChunks = 0
  let loadedBytes = 0
  for (const url of loadedChunks) {
    const text = await readFile(new URL(url), 'utf8')
    loadedBytes += Buffer.byteLength(text)
    if (SDK_MARKER.test(text) && !url.endsWith('/index.js')) sdkChunks++
  }
  record({
    name: 'render: AWS SDK chunks loaded',
    unit: 'chunks',
    values: [sdkChunks],
    judge: 'every',
    budget: 0,
    note: `${loadedChunks.length} files, ${Math.round(loadedBytes / 1024)} kB of code loaded`
  })

  // 1b. command: render of examples/jsonnet (go-jsonnet's wasm loaded and run), process start to exit; and
  // the YAML render above loads none of it.
  console.log('render (examples/jsonnet)')
  const jsonnetRun = () =>
    runBundledAction({
      dist,
      inputs: {
        command: 'render',
        config: 'examples/jsonnet/ecspresso.jsonnet',
        'image-tag': 'v1',
        'ext-str': 'stage=staging'
      },
      env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }
    })
  await jsonnetRun()
  const jsonnetMs: number[] = []
  for (let i = 0; i < runs; i++) {
    const run = await jsonnetRun()
    if (run.exitCode !== 0) throw new Error(`Jsonnet render failed\n${run.stdout}`)
    jsonnetMs.push(run.wallMs)
  }
  record({
    name: 'render of a Jsonnet project: process start to exit',
    unit: 'ms',
    values: jsonnetMs,
    judge: 'median',
    budget: 400
  })
  let jsonnetChunks = 0
  for (const url of loadedChunks) {
    if (JSONNET_MARKER.test(await readFile(new URL(url), 'utf8'))) jsonnetChunks++
  }
  record({
    name: 'render of a YAML project: Jsonnet chunks loaded',
    unit: 'chunks',
    values: [jsonnetChunks],
    judge: 'every',
    budget: 0
  })

  // 2. deploy with a 10-container task definition: start-up to the first AWS request, peak RSS, writes.
  console.log('deploy (10 containers, rolling, emulator at 60x)')
  await deployOnce({ speed: 60, containers: 10 })
  const deploys = []
  for (let i = 0; i < runs; i++)
    deploys.push(await deployOnce({ speed: 60, containers: 10, rss: canMeasureRss }))
  record({
    name: 'deploy: process start to first AWS request',
    unit: 'ms',
    values: deploys.map(d => d.firstRequestMs),
    judge: 'median',
    budget: 300
  })
  if (canMeasureRss)
    record({
      name: 'deploy: peak RSS (10 containers)',
      unit: 'MB',
      values: deploys.map(d => (d.run.maxRssKb ?? 0) / 1024),
      judge: 'median',
      budget: 120
    })
  record({
    name: 'deploy: wall time (emulated rollout ~20 s)',
    unit: 'ms',
    values: deploys.map(d => d.realMs),
    judge: 'median',
    budget: undefined
  })

  // 3. Write calls, plain and with every call throttled or failing at first.
  console.log('write calls')
  const throttled = [await deployOnce({ speed: 60, containers: 10, faults: unreliableDeployFaults() })]
  const writesOk = [...deploys, ...throttled].map(d =>
    d.writes.join(',') === 'RegisterTaskDefinition,UpdateService' ? 0 : 1
  )
  record({
    name: 'deploy: runs whose writes were not exactly 1 RegisterTaskDefinition + 1 UpdateService',
    unit: 'runs',
    values: writesOk,
    judge: 'every',
    budget: 0,
    note: `${deploys.length} plain, ${throttled.length} throttled: ${throttled[0]!.writes.join(', ')}`
  })

  // 3b. Throttling costs a retry's backoff, not seconds: RegisterTaskDefinition refused twice with
  // ThrottlingException, process start to the UpdateService that follows (aws-actions' action: 0.76 s).
  console.log('RegisterTaskDefinition throttled twice')
  const registerThrottled: FaultRule[] = [{ operation: 'RegisterTaskDefinition', kind: 'throttle', count: 2 }]
  const slowed = []
  for (let i = 0; i < runs; i++)
    slowed.push(await deployOnce({ speed: 60, containers: 1, faults: registerThrottled }))
  record({
    name: 'deploy: process start to UpdateService, RegisterTaskDefinition throttled twice',
    unit: 's',
    values: slowed.map(d => d.updateServiceMs / 1000),
    judge: 'median',
    budget: 1.5,
    note: `worst ${fmt(Math.max(...slowed.map(d => d.updateServiceMs)) / 1000)} s`
  })
  record({
    name: 'deploy: runs with RegisterTaskDefinition throttled twice whose writes were not exactly 1 + 1',
    unit: 'runs',
    values: slowed.map(d => (d.writes.join(',') === 'RegisterTaskDefinition,UpdateService' ? 0 : 1)),
    judge: 'every',
    budget: 0
  })

  // 4. Detection latency while the rollout moves: tasks start in 30 emulated s at 10x (3 real s), the old
  // ones drain 5 emulated s later and the deployment completes right after the counts changed.
  console.log('detection latency while the rollout moves')
  const moving = []
  for (let i = 0; i < runs; i++)
    moving.push(await deployOnce({ speed: 10, containers: 1, taskStartSeconds: 30 }))
  record({
    name: 'latency: exit − completion, rollout moving',
    unit: 's',
    values: moving.map(d => d.latencyMs / 1000),
    judge: 'max',
    budget: 3
  })

  // 5. Detection latency after a stall: tasks take up to 30 emulated minutes to start (30 real s at 60x),
  // nothing changes meanwhile, then the rollout completes. The action polls on real time, so this is the
  // schedule's slow phase. Each run is 160 emulated s (2.7 real s) shorter, so the completion falls at another
  // point between two polls; the worst gap between polls bounds the latency of a completion at any instant.
  console.log(`detection latency after a 30-minute stall (${stallRuns} runs of ~30 s)`)
  const stalled = []
  for (let i = 0; i < stallRuns; i++)
    stalled.push(await deployOnce({ speed: 60, containers: 1, taskStartSeconds: 1800 - 160 * i }))
  record({
    name: 'latency: exit − completion, after a stall',
    unit: 's',
    values: stalled.map(d => d.latencyMs / 1000),
    judge: 'max',
    budget: 10
  })
  record({
    name: 'latency: worst case in a stalled run (longest gap between polls + exit after the last poll)',
    unit: 's',
    values: stalled.map(d => (d.maxGapMs + d.exitAfterLastPollMs) / 1000),
    judge: 'max',
    budget: 10
  })
  record({
    name: 'polls: DescribeServices + DescribeServiceDeployments per real minute, stalled',
    unit: 'calls/min',
    values: stalled.map(d => d.pollCalls / (d.realMs / 60_000)),
    judge: 'max',
    budget: undefined,
    note: `a 30-minute rollout at this rate: ${Math.round((30 * 60_000) / POLL_SCHEDULE.slowMs)} calls (budget 400)`
  })

  // 6. Render of 10 containers (ECS's limit) and 500 expressions, inside the process (first render: cold, as in a run).
  console.log('render of 10 containers, 500 expressions (in process)')
  const large = []
  for (let i = 0; i < runs; i++) large.push(await renderLarge())
  record({
    name: `render in process: ${large[0]!.expressions} expressions, 10 containers, first render`,
    unit: 'ms',
    values: large.map(l => l.coldMs),
    judge: 'median',
    budget: 50
  })
  record({
    name: 'render in process: same, warm (median of 20)',
    unit: 'ms',
    values: large.map(l => l.warmMs),
    judge: 'median',
    budget: undefined
  })

  // 7. Several services in one step.
  await severalFigures()

  // 8. dist/ size.
  const size = await distSize()
  record({
    name: 'dist/ total size',
    unit: 'MB',
    values: [size.total / 1_000_000],
    judge: 'every',
    budget: 5,
    note: `${size.files} files`
  })

  printTable()
  const results = {
    date: new Date(startedAt).toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    durationS: Math.round((Date.now() - startedAt) / 1000),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: (await nodeVersion()).trim()
    },
    runs,
    figures: figures.map(f => ({ ...f, ...summarize(f.values), ok: verdict(f) }))
  }
  await writeFile(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote bench/results.json (${results.durationS} s)`)
  if (figures.some(f => verdict(f) === false)) process.exitCode = 1
}

function printTable(): void {
  const rows = figures.map(f => {
    const s = summarize(f.values)
    const ok = verdict(f)
    const rule = f.judge === 'median' ? 'median' : 'max'
    return [
      f.name,
      `${fmt(s.median)} ${f.unit}`,
      `${fmt(s.min)}–${fmt(s.max)}`,
      f.budget === undefined ? '' : `${rule} ≤ ${f.budget}`,
      ok === undefined ? '' : ok ? 'ok' : 'OVER'
    ]
  })
  const head = ['figure', 'median', 'spread', 'budget', '']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  console.log(`\n${line(head)}\n${widths.map(w => '-'.repeat(w)).join('  ')}`)
  for (const row of rows) console.log(line(row))
}

function nodeVersion(): Promise<string> {
  return new Promise(done => {
    const child = spawn(node, ['--version'])
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.on('close', () => done(out))
  })
}

await main()
