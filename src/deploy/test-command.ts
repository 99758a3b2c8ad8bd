/**
 * The `test-command` input: a shell command run while test traffic reaches the new revision. Its exit code
 * decides whether the deployment continues (0) or rolls back (anything else, a timeout, a cancellation).
 *
 * It runs through @actions/exec as `bash -e -o pipefail -c <command>`, like a `run:` step, but inside a small
 * Node launcher that puts the shell in its own process group: a timeout or a cancellation then ends the shell
 * and everything it started, and the launcher cuts lines to a bounded length so a command printing 100 MB
 * without a newline cannot fill memory. Every line goes to the log through the Logger (the sink: redacted,
 * workflow commands made inert) inside one group; the last lines are kept for the summary.
 */
import { randomBytes } from 'node:crypto'
import type { DeploymentGroupInfo } from '@aws-sdk/client-codedeploy'
import type { Service } from '@aws-sdk/client-ecs'
import { exec } from '@actions/exec'
import type { CommandContext } from '../commands/types.js'
import { Input } from '../contract.js'
import { ActionError } from '../errors.js'

export interface TestCommandResult {
  /** The shell's exit code; undefined when it was ended by a timeout or a cancellation. */
  exitCode: number | undefined
  timedOut: boolean
  cancelled: boolean
  durationMs: number
  /** The last lines it printed (at most TAIL_LINES, each at most MAX_LINE characters). */
  tail: string[]
}

export interface TestCommandRequest {
  command: string
  env: Record<string, string>
  timeoutMs: number
}

/** Lines kept for the summary. */
export const TAIL_LINES = 50
/** Longer lines are cut into pieces of this many characters, by the launcher (memory stays bounded). */
export const MAX_LINE = 4096
/** After SIGTERM, the group has this long before SIGKILL. */
const DEFAULT_KILL_GRACE_MS = 5000
/** The log group the command's output is printed in. */
export const LOG_GROUP = 'test-command'

/**
 * Variables of our own process the command does not get: our inputs (INPUT_GITHUB-TOKEN among them), and the
 * runner's file commands, which would let the command set this step's outputs, summary or later steps' env.
 */
const WITHHELD = /^(INPUT_.*|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_ENV|GITHUB_PATH|GITHUB_STEP_SUMMARY)$/i

/**
 * Runs in a separate Node process (the action's own runtime): starts bash in a new process group, announces
 * the group's id on the first line (with a token only the parent knows), merges stdout and stderr line by line
 * with lines cut at MAX_LINE, forwards the shell's exit code (128+n for a signal, as bash reports it), and ends
 * the group when the shell is done (background jobs included), when it is signalled, or when the action dies.
 */
const LAUNCHER = String.raw`
const { spawn } = require('node:child_process')
const { StringDecoder } = require('node:string_decoder')
const { constants } = require('node:os')
const [token, maxLine, command] = process.argv.slice(1)
const max = Number(maxLine)
const parent = process.ppid
const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
const killGroup = sig => { try { process.kill(-child.pid, sig) } catch {} }
child.on('error', e => { process.stdout.write('bash could not start: ' + e.message + '\n'); process.exitCode = 127 })
if (child.pid !== undefined) process.stdout.write(token + ' ' + child.pid + '\n')
const pipe = stream => {
  const decoder = new StringDecoder('utf8')
  let partial = ''
  const emit = text => {
    partial += text
    let nl
    while ((nl = partial.indexOf('\n')) !== -1) { process.stdout.write(partial.slice(0, nl).slice(0, max) + '\n'); partial = partial.slice(nl + 1) }
    while (partial.length >= max) { process.stdout.write(partial.slice(0, max) + '\n'); partial = partial.slice(max) }
  }
  stream.on('data', chunk => emit(decoder.write(chunk)))
  stream.on('end', () => { emit(decoder.end()); if (partial !== '') process.stdout.write(partial + '\n'); partial = '' })
}
pipe(child.stdout)
pipe(child.stderr)
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { killGroup('SIGTERM'); setTimeout(() => killGroup('SIGKILL'), 2000).unref() })
const orphan = setInterval(() => { if (process.ppid !== parent) { killGroup('SIGKILL'); process.exit(137) } }, 500)
orphan.unref()
child.on('exit', (code, signal) => {
  clearInterval(orphan)
  process.exitCode = code ?? 128 + (constants.signals[signal] ?? 1)
  // What the shell left running in its group goes with it; whatever escaped the group cannot hold us.
  killGroup('SIGTERM')
  // Members that hold our pipes keep us alive until they go (SIGKILL after a second); the rest go when we do.
  setTimeout(() => killGroup('SIGKILL'), 1000).unref()
  setTimeout(() => { child.stdout.destroy(); child.stderr.destroy() }, 3000).unref()
  process.on('exit', () => killGroup('SIGKILL'))
})
`

export interface RunTestCommandOptions {
  /** After SIGTERM to the group on a timeout or cancellation, SIGKILL follows this much later. */
  readonly killGraceMs?: number
}

/** Runs the command; never throws for what the command does (a shell that cannot start is exit code 127). */
export async function runTestCommand(
  ctx: CommandContext,
  request: TestCommandRequest,
  options: RunTestCommandOptions = {}
): Promise<TestCommandResult> {
  const started = ctx.clock.now()
  if (ctx.signal?.aborted)
    return { exitCode: undefined, timedOut: false, cancelled: true, durationMs: 0, tail: [] }
  const token = randomBytes(16).toString('hex')
  const tail = new Tail(TAIL_LINES)
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(ctx.env)) {
    if (value !== undefined && !WITHHELD.test(name)) env[name] = value
  }
  Object.assign(env, request.env)

  let group: number | undefined
  let ending: 'timeout' | 'cancel' | undefined
  let killTimer: NodeJS.Timeout | undefined
  const end = (why: 'timeout' | 'cancel'): void => {
    if (ending !== undefined) return
    ending = why
    if (group !== undefined)
      killGroup(group, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS, t => (killTimer = t))
  }
  const onLine = (line: string): void => {
    if (group === undefined && line.startsWith(`${token} `)) {
      group = Number(line.slice(token.length + 1))
      if (ending !== undefined)
        killGroup(group, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS, t => (killTimer = t))
      return
    }
    tail.push(line)
    ctx.log.info(line)
  }

  const stopTimer = new AbortController()
  const onAbort = (): void => end('cancel')
  ctx.signal?.addEventListener('abort', onAbort, { once: true })
  void ctx.clock.sleep(request.timeoutMs, stopTimer.signal).then(() => {
    if (!stopTimer.signal.aborted) end('timeout')
  })

  let exitCode: number | undefined
  try {
    exitCode = await ctx.log.group(LOG_GROUP, () =>
      exec(
        process.execPath,
        ['--input-type=commonjs', '-e', LAUNCHER, '--', token, String(MAX_LINE), request.command],
        {
          env,
          silent: true,
          ignoreReturnCode: true,
          // The launcher ends when the shell does; its own streams close with it.
          delay: 1000,
          listeners: { stdline: onLine, errline: onLine }
        }
      )
    )
  } catch (error) {
    // Node itself could not start: say so as the command's output, as a shell would.
    const line = `the test command could not start: ${error instanceof Error ? error.message : String(error)}`
    tail.push(line)
    ctx.log.info(line)
    exitCode = 127
  } finally {
    stopTimer.abort()
    ctx.signal?.removeEventListener('abort', onAbort)
    if (killTimer !== undefined) clearTimeout(killTimer)
  }
  return {
    exitCode: ending === undefined ? exitCode : undefined,
    timedOut: ending === 'timeout',
    cancelled: ending === 'cancel',
    durationMs: Math.max(0, ctx.clock.now() - started),
    tail: tail.lines()
  }
}

/** SIGTERM to the process group, SIGKILL after the grace period; a group already gone is fine. */
function killGroup(pgid: number, graceMs: number, keep: (timer: NodeJS.Timeout) => void): void {
  const send = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, signal)
    } catch {
      // ESRCH: nothing left in the group.
    }
  }
  send('SIGTERM')
  const timer = setTimeout(() => send('SIGKILL'), graceMs)
  timer.unref()
  keep(timer)
}

/** The last `size` lines, in a ring: memory stays bounded whatever the command prints. */
class Tail {
  private readonly ring: string[] = []
  private next = 0
  constructor(private readonly size: number) {}
  push(line: string): void {
    if (this.ring.length < this.size) this.ring.push(line)
    else this.ring[this.next] = line
    this.next = (this.next + 1) % this.size
  }
  lines(): string[] {
    return this.ring.length < this.size
      ? [...this.ring]
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)]
  }
}

/** Where the command can reach the new revision, and what is being deployed. */
export type TestEndpoint =
  | {
      /** ECS-native blue/green, linear or canary: the service's load balancers say. */
      readonly controller: 'ECS'
      readonly service: Service
      readonly taskDefinitionArn: string
      /** The service deployment ARN (or the deployment id ECS gave). */
      readonly deploymentId: string
    }
  | {
      readonly controller: 'CODE_DEPLOY'
      readonly cluster: string
      readonly service: Service | { readonly serviceName: string }
      readonly group: DeploymentGroupInfo
      readonly taskDefinitionArn: string
      /** The CodeDeploy deployment id (d-…). */
      readonly deploymentId: string
    }

/** The environment variable names README documents (see `testEndpointEnv`). */
export const TestEnv = {
  Controller: 'ECS_DEPLOY_CONTROLLER',
  Cluster: 'ECS_DEPLOY_CLUSTER',
  Service: 'ECS_DEPLOY_SERVICE',
  TaskDefinitionArn: 'ECS_DEPLOY_TASK_DEFINITION_ARN',
  DeploymentId: 'ECS_DEPLOY_DEPLOYMENT_ID',
  TestListenerArn: 'ECS_DEPLOY_TEST_LISTENER_ARN',
  TestListenerRuleArn: 'ECS_DEPLOY_TEST_LISTENER_RULE_ARN',
  ProductionListenerArn: 'ECS_DEPLOY_PRODUCTION_LISTENER_ARN',
  ProductionListenerRuleArn: 'ECS_DEPLOY_PRODUCTION_LISTENER_RULE_ARN',
  TargetGroupArn: 'ECS_DEPLOY_TARGET_GROUP_ARN',
  AlternateTargetGroupArn: 'ECS_DEPLOY_ALTERNATE_TARGET_GROUP_ARN',
  TargetGroups: 'ECS_DEPLOY_TARGET_GROUPS',
  ContainerName: 'ECS_DEPLOY_CONTAINER_NAME',
  ContainerPort: 'ECS_DEPLOY_CONTAINER_PORT'
} as const

/**
 * `arn:aws:elasticloadbalancing:r:a:listener-rule/app/lb/id/listener-id/rule-id` → the listener's ARN
 * (`…:listener/app/lb/id/listener-id`); undefined for anything else.
 */
export function listenerArnOfRule(ruleArn: string): string | undefined {
  const match =
    /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/((?:app|net|gwy)\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.exec(
      ruleArn
    )
  return match ? `${match[1]}listener/${match[2]}` : undefined
}

/** The variables describing the test endpoint and the deployment, for the command's environment. */
export function testEndpointEnv(endpoint: TestEndpoint): Record<string, string> {
  const env: Record<string, string | undefined> = {
    [TestEnv.Controller]: endpoint.controller,
    [TestEnv.TaskDefinitionArn]: endpoint.taskDefinitionArn,
    [TestEnv.DeploymentId]: endpoint.deploymentId
  }
  const service = endpoint.service as Service
  const balancers = service.loadBalancers ?? []
  // The load balancer with a test route (ECS-native says so per balancer); else the first.
  const balancer = balancers.find(b => b.advancedConfiguration?.testListenerRule) ?? balancers[0]
  env[TestEnv.Service] = service.serviceName
  env[TestEnv.ContainerName] = balancer?.containerName
  env[TestEnv.ContainerPort] = balancer?.containerPort?.toString()
  if (endpoint.controller === 'ECS') {
    env[TestEnv.Cluster] = service.clusterArn === undefined ? undefined : clusterName(service.clusterArn)
    const advanced = balancer?.advancedConfiguration
    env[TestEnv.TestListenerRuleArn] = advanced?.testListenerRule
    env[TestEnv.TestListenerArn] = advanced?.testListenerRule && listenerArnOfRule(advanced.testListenerRule)
    env[TestEnv.ProductionListenerRuleArn] = advanced?.productionListenerRule
    env[TestEnv.ProductionListenerArn] =
      advanced?.productionListenerRule && listenerArnOfRule(advanced.productionListenerRule)
    env[TestEnv.TargetGroupArn] = balancer?.targetGroupArn
    env[TestEnv.AlternateTargetGroupArn] = advanced?.alternateTargetGroupArn
  } else {
    env[TestEnv.Cluster] = clusterName(endpoint.cluster)
    const pair = endpoint.group.loadBalancerInfo?.targetGroupPairInfoList?.[0]
    env[TestEnv.TestListenerArn] = pair?.testTrafficRoute?.listenerArns?.join(',')
    env[TestEnv.ProductionListenerArn] = pair?.prodTrafficRoute?.listenerArns?.join(',')
    env[TestEnv.TargetGroups] = pair?.targetGroups
      ?.map(g => g.name)
      .filter((n): n is string => !!n)
      .join(',')
  }
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value) out[name] = value
  return out
}

function clusterName(cluster: string): string {
  return cluster.includes('/') ? cluster.slice(cluster.lastIndexOf('/') + 1) : cluster
}

/** Strategies whose deployments carry test traffic to the new revision before production traffic. */
const TESTABLE_NATIVE = ['BLUE_GREEN', 'LINEAR', 'CANARY']

/**
 * Why this deploy cannot run test-command, said before any write: the service deploys rolling (no test
 * traffic), or a CODE_DEPLOY service is about to be created (CreateService starts it without a deployment).
 * Undefined when it can: CodeDeploy blue/green, or an ECS-native strategy (its own checks say which hook).
 */
export function testCommandStrategyError(
  testCommand: string | undefined,
  live: Service | undefined,
  definition:
    | {
        readonly deploymentController?: { readonly type?: string | undefined } | undefined
        readonly deploymentConfiguration?: { readonly strategy?: string | undefined } | undefined
      }
    | undefined
): ActionError | undefined {
  if (testCommand === undefined) return undefined
  const where = { input: Input.TestCommand }
  const controller = live?.deploymentController?.type ?? definition?.deploymentController?.type ?? 'ECS'
  if (controller === 'CODE_DEPLOY') {
    return live !== undefined
      ? undefined
      : new ActionError(
          'test-command cannot run while the service is created: CreateService starts a CODE_DEPLOY service without a CodeDeploy deployment',
          {
            where,
            hint: 'deploy once without test-command to create the service; later deploys run it'
          }
        )
  }
  const strategy =
    definition?.deploymentConfiguration?.strategy ?? live?.deploymentConfiguration?.strategy ?? 'ROLLING'
  if (TESTABLE_NATIVE.includes(strategy)) return undefined
  return new ActionError(
    `test-command needs test traffic, but this service deploys ${strategy} (no test traffic reaches the new revision before production)`,
    {
      where,
      hint: 'use a CODE_DEPLOY blue/green deployment group with a test listener, or deploymentConfiguration.strategy BLUE_GREEN, LINEAR or CANARY with a test listener rule; or remove test-command'
    }
  )
}
