/**
 * Starts the emulator on a scaled real-time clock, seeds it from a JSON file and prints
 * `EMULATOR_ENDPOINT=http://127.0.0.1:PORT`. Runs until SIGINT/SIGTERM or stdin closes.
 *
 *   npm run emulator -- --seed seed.json --speed 60 [--port 4566]
 *
 * The seed file:
 * {
 *   "region": "us-east-1", "accountId": "123456789012",
 *   "clusters": ["prod"],
 *   "taskDefinitions": [ { RegisterTaskDefinition input } ],
 *   "services": [ { CreateService input; "taskDefinition": "family:rev" or ARN } ],
 *   "scalableTargets": [ { RegisterScalableTarget input } ],
 *   "logGroups": ["/ecs/web"],
 *   "codedeploy": { "applications": ["app"], "deploymentGroups": [ { CreateDeploymentGroup input } ] },
 *   "scenario": { "taskStartSeconds": 10, "taskStopSeconds": 5, "hookSeconds": 5, "healthCheckSeconds": 15,
 *                 "failTasks": [ { "match": { "image": "x" }, "how": { "kind": "cannot-pull" }, "times": 2 } ],
 *                 "placementFailures": [ { "match": { "image": "x" } } ],
 *                 "runTasks": [ { "match": { "taskDefinitionArn": "migrate" },
 *                                 "script": { "logs": ["Running migrations"], "exitCode": 3 } } ],
 *                 "failHooks": [ { "event": "AfterAllowTraffic" } ],
 *                 "lambdaHookSeconds": 5,
 *                 "answerHooks": [ { "stage": "POST_TEST_TRAFFIC_SHIFT", "answer": "FAILED" } ] }
 * }
 */
import { readFileSync } from 'node:fs'
import { startEmulator, type Emulator } from './index.js'
import type { TaskFailure, TaskMatch, TaskScript } from './scenario.js'
import type { Json } from './util.js'
import type { HookRule } from './native-deploy.js'

export interface SeedFile {
  region?: string
  accountId?: string
  clusters?: string[]
  taskDefinitions?: Json[]
  services?: (Json & { serviceName: string; taskDefinition: string })[]
  scalableTargets?: Json[]
  logGroups?: string[]
  codedeploy?: { applications?: string[]; deploymentGroups?: Json[] }
  scenario?: {
    taskStartSeconds?: number
    taskStopSeconds?: number
    hookSeconds?: number
    healthCheckSeconds?: number
    failTasks?: { match: TaskMatch; how: TaskFailure; times?: number }[]
    placementFailures?: { match: TaskMatch; reason?: string }[]
    runTasks?: { match: TaskMatch; script: TaskScript }[]
    failHooks?: { event: string; times?: number; message?: string }[]
    /** ECS-native deployments' Lambda lifecycle hooks. */
    lambdaHookSeconds?: number
    answerHooks?: HookRule[]
  }
}

export function applySeed(emulator: Emulator, seed: SeedFile): void {
  for (const name of seed.clusters ?? []) emulator.createCluster(name)
  for (const td of seed.taskDefinitions ?? []) emulator.seedTaskDefinition(td)
  const s = seed.scenario ?? {}
  if (s.taskStartSeconds !== undefined) emulator.scenario.taskStartSeconds(s.taskStartSeconds)
  if (s.taskStopSeconds !== undefined) emulator.scenario.taskStopSeconds(s.taskStopSeconds)
  if (s.hookSeconds !== undefined) emulator.codedeploy.hookSeconds(s.hookSeconds)
  if (s.healthCheckSeconds !== undefined) emulator.scenario.healthCheckSeconds(s.healthCheckSeconds)
  if (s.lambdaHookSeconds !== undefined) emulator.scenario.lambdaHookSeconds(s.lambdaHookSeconds)
  for (const rule of s.answerHooks ?? []) emulator.scenario.answerHooks(rule)
  for (const service of seed.services ?? []) emulator.seedService(service)
  for (const target of seed.scalableTargets ?? []) emulator.autoscaling.registerScalableTarget(target)
  for (const app of seed.codedeploy?.applications ?? []) emulator.codedeploy.createApplication(app)
  for (const group of seed.codedeploy?.deploymentGroups ?? [])
    emulator.codedeploy.createDeploymentGroup(group)
  for (const f of s.failTasks ?? [])
    emulator.scenario.failTasks(f.match, f.how, f.times === undefined ? undefined : { times: f.times })
  for (const p of s.placementFailures ?? []) emulator.scenario.placementFailure(p.match, p.reason)
  for (const r of s.runTasks ?? []) emulator.scenario.runTasks(r.match, r.script)
  for (const group of seed.logGroups ?? []) emulator.logs.createLogGroup(group)
  for (const h of s.failHooks ?? []) {
    const options: { times?: number; message?: string } = {}
    if (h.times !== undefined) options.times = h.times
    if (h.message !== undefined) options.message = h.message
    emulator.codedeploy.failHook(h.event, options)
  }
}

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

async function main(args: string[]): Promise<void> {
  const seedPath = argument(args, '--seed')
  const speed = Number(argument(args, '--speed') ?? '60')
  const seed: SeedFile = seedPath ? (JSON.parse(readFileSync(seedPath, 'utf8')) as SeedFile) : {}
  const options: Parameters<typeof startEmulator>[0] = { clock: { mode: 'real', speed } }
  if (seed.region !== undefined) options.region = seed.region
  if (seed.accountId !== undefined) options.accountId = seed.accountId
  const port = argument(args, '--port')
  if (port !== undefined) options.port = Number(port)
  const emulator = await startEmulator(options)
  applySeed(emulator, seed)
  process.stdout.write(`EMULATOR_ENDPOINT=${emulator.endpoint}\n`)
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  if (args.includes('--exit-on-stdin-close')) process.stdin.on('end', stop).resume()
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  })
}
