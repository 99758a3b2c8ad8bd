// The figure of a step over several services (issue 16): 20 services on one cluster, rollouts of the same
// length, `max-parallel: 20`, against the emulator with ECS's throttling on. Wall time against the slowest
// single-service rollout, DescribeServices calls per poll round, and throttling errors.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator, type LoggedRequest } from '../test/emulator/index.js'
import { runBundledAction, statusOf, type ActionRunResult } from './action.js'
import { SERVICE_DEFINITION } from './fixtures.js'

export const SERVICES = 20
/** At 10x, tasks start in 15 real seconds; with the 3 s they must stay running, a rollout takes about 18 s. */
const SPEED = 10
const TASK_START_SECONDS = 150

const taskDefinition = (name: string, tag: string) => ({
  family: name,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    { name: 'app', image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}:${tag}`, essential: true }
  ]
})

const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`)

async function project(services: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-deploy-bench-several-'))
  for (const name of services) {
    const at = join(dir, 'deploy', name)
    await mkdir(at, { recursive: true })
    await writeFile(
      join(at, 'ecspresso.yml'),
      `region: us-east-1\ncluster: prod\nservice: ${name}\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 10m\n`
    )
    await writeFile(join(at, 'td.json'), JSON.stringify(taskDefinition(name, '{{ must_env `IMAGE_TAG` }}')))
    await writeFile(join(at, 'sd.json'), JSON.stringify({ ...SERVICE_DEFINITION, desiredCount: 2 }))
  }
  return dir
}

function seed(emulator: Emulator, services: readonly string[]): void {
  emulator.createCluster('prod')
  emulator.scenario.taskStartSeconds(TASK_START_SECONDS)
  for (const name of services) {
    const arn = emulator.seedTaskDefinition(taskDefinition(name, 'v1'))
    emulator.seedService({
      cluster: 'prod',
      serviceName: name,
      taskDefinition: arn,
      desiredCount: 2,
      ...SERVICE_DEFINITION
    })
  }
}

/** The watches' DescribeServices calls (the plan's carry `include: TAGS`) grouped into poll rounds. */
export function pollRounds(requests: readonly LoggedRequest[], gapMs: number): LoggedRequest[][] {
  const polls = requests.filter(
    r => r.operation === 'DescribeServices' && (r.params as { include?: unknown }).include === undefined
  )
  const rounds: LoggedRequest[][] = []
  for (const poll of polls) {
    const last = rounds[rounds.length - 1]
    if (last && poll.time - last[last.length - 1]!.time <= gapMs) last.push(poll)
    else rounds.push([poll])
  }
  return rounds
}

export interface SeveralRun {
  readonly run: ActionRunResult
  readonly services: number
  readonly maxCallsPerRound: number
  readonly meanCallsPerRound: number
  readonly throttled: number
  readonly requests: number
  /** Each round: the real ms since the first poll and the services each call asked for. */
  readonly rounds: { at: number; services: number[] }[]
}

/** One step deploying `count` services (one config when count is 1). */
export async function deploySeveral(dist: string, count: number): Promise<SeveralRun> {
  const services = names(count)
  const emulator = await startEmulator({ clock: { mode: 'real', speed: SPEED }, rateLimits: true })
  try {
    seed(emulator, services)
    const dir = await project(services)
    const run = await runBundledAction({
      dist,
      cwd: dir,
      inputs: {
        config: count === 1 ? `deploy/${services[0]!}/ecspresso.yml` : 'deploy/*/ecspresso.yml',
        'image-tag': 'v2',
        'max-parallel': String(count)
      },
      // A fixed poll a second for both: the figure is the cost of running twenty at once, not where a
      // completion falls in the poll schedule's slow phase (up to 8 s late either way).
      env: {
        AWS_ENDPOINT_URL: emulator.endpoint,
        AWS_REGION: 'us-east-1',
        ECS_DEPLOY_ACTION_POLL_MS: '1000'
      },
      timeoutMs: 300_000
    })
    if (run.exitCode !== 0 || statusOf(run.outputs) !== 'succeeded')
      throw new Error(
        `${count} services: exit ${run.exitCode}, status ${statusOf(run.outputs)}\n${run.stdout}`
      )
    // Calls of one round reach the emulator within a few real ms of each other (one flush of the batcher); rounds are a second apart.
    const rounds = pollRounds(emulator.requests, 20 * SPEED)
    return {
      run,
      services: count,
      maxCallsPerRound: Math.max(...rounds.map(r => r.length)),
      meanCallsPerRound: rounds.reduce((n, r) => n + r.length, 0) / rounds.length,
      throttled: emulator.throttled().length,
      requests: emulator.requests.length,
      rounds: rounds.map(r => ({
        at: (r[0]!.time - rounds[0]![0]!.time) / SPEED,
        services: r.map(c => (c.params as { services: string[] }).services.length)
      }))
    }
  } finally {
    await emulator.close()
  }
}
