/**
 * A local AWS emulator for ECS, CodeDeploy, Application Auto Scaling and CloudWatch Logs that real SDK v3 clients talk to
 * (`endpoint` / `AWS_ENDPOINT_URL`), with deployments that move on a clock the test controls.
 */
import type { Server } from 'node:http'
import { AutoScaling } from './autoscaling.js'
import { SimClock, type Clock, type ClockOptions } from './clock.js'
import { CodeDeploy, type CodeDeploySeed } from './codedeploy.js'
import { Ecs } from './ecs.js'
import { ecsOperations } from './ecs-api.js'
import { Faults, type FaultRule } from './faults.js'
import { Logs } from './logs.js'
import type { TaskFailure, TaskMatch, TaskScript } from './scenario.js'
import type { HookRule } from './native-deploy.js'
import { step } from './scheduler.js'
import { Throttle } from './throttle.js'
import { isWrite, startServer, type LoggedRequest } from './server.js'
import { clone, type Json } from './util.js'
import { World } from './world.js'

export type { LoggedRequest } from './server.js'
export type { FaultRule, FaultKind } from './faults.js'
export { unreliableDeployFaults } from './faults.js'
export type { TaskFailure, TaskMatch, TaskScript } from './scenario.js'
export type { HookRule } from './native-deploy.js'
export type { ClockOptions } from './clock.js'

export interface EmulatorOptions {
  clock?: ClockOptions
  region?: string
  accountId?: string
  /** Seeds ids (task ids, deployment ids, event ids) so runs repeat. */
  seed?: number
  /** The port to listen on (the CLI's `--port`); a free one by default. */
  port?: number
  /**
   * Enforce ECS's documented request throttling (a token bucket per API, in wall time; see throttle.ts):
   * a request over the quota gets `ThrottlingException: Rate exceeded`. Off by default.
   */
  rateLimits?: boolean
}

export interface SeedServiceOptions {
  cluster?: string
  serviceName: string
  taskDefinition: string
  desiredCount?: number
  /** Other CreateService parameters (launchType, networkConfiguration, loadBalancers, deploymentController…). */
  [key: string]: unknown
}

export interface Emulator {
  endpoint: string
  region: string
  accountId: string
  clock: Clock
  requests: readonly LoggedRequest[]
  writes(): LoggedRequest[]
  /** Requests refused by the rate limits (`rateLimits: true`). */
  throttled(): LoggedRequest[]
  /** Requests for one operation (optionally of one service). */
  calls(operation: string, service?: string): LoggedRequest[]
  clearLog(): void
  faults: { add(rule: FaultRule): void; clear(): void }
  createCluster(name: string): string
  /** Registers a task definition without logging a request; returns its ARN. */
  seedTaskDefinition(definition: object): string
  /** A service already fully running and steady on `taskDefinition`; returns its ARN. */
  seedService(options: SeedServiceOptions): string
  /** DescribeServices' view of a service, without logging a request. */
  describeService(cluster: string, service: string): Json
  scenario: {
    failTasks(match: TaskMatch, how: TaskFailure, options?: { times?: number }): void
    placementFailure(match: TaskMatch, reason?: string): void
    /** What matching tasks' containers log and how they exit (one-off tasks: see TaskScript). */
    runTasks(match: TaskMatch, script: TaskScript): void
    taskStartSeconds(n: number): void
    taskStopSeconds(n: number): void
    /** Seconds new tasks must stay RUNNING before the deployment completes (default 30). */
    taskStableSeconds(n: number): void
    /** Seconds from RUNNING until target group health checks pass, for services with a load balancer (15). */
    healthCheckSeconds(n: number): void
    /**
     * ECS-native deployments: how Lambda lifecycle hooks answer (first rule matching the hook's target ARN and
     * stage; default SUCCEEDED after 5 s). NO_ANSWER lets the hook time out.
     */
    answerHooks(rule: HookRule): void
    lambdaHookSeconds(n: number): void
    clear(): void
  }
  codedeploy: CodeDeploySeed
  autoscaling: { registerScalableTarget(params: Json): void }
  /** CloudWatch Logs: groups the awslogs driver writes to (a task whose group is missing fails to start). */
  logs: {
    createLogGroup(name: string): void
    /** The lines in a stream, oldest first ([] when it does not exist). */
    lines(group: string, stream: string): string[]
  }
  close(): Promise<void>
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1'
  const accountId = options.accountId ?? '123456789012'
  const sim: { ecs?: Ecs; codedeploy?: CodeDeploy } = {}
  const clock = new SimClock(options.clock ?? { mode: 'virtual' }, time => {
    if (sim.ecs) step(sim.ecs, time)
    if (sim.codedeploy) sim.codedeploy.step(time)
  })
  const world = new World(region, accountId, clock, options.seed ?? 42)
  const ecs = (sim.ecs = new Ecs(world))
  const logs = (ecs.logs = new Logs(world))
  const codedeploy = (sim.codedeploy = new CodeDeploy(world, ecs))
  const autoscaling = new AutoScaling(world)
  const faults = new Faults()
  const log: LoggedRequest[] = []
  const ecsRef = ecs
  const { server, endpoint } = await startServer({
    port: options.port,
    tables: {
      AmazonEC2ContainerServiceV20141113: { service: 'ecs', operations: ecsOperations(ecs) },
      CodeDeploy_20141006: { service: 'codedeploy', operations: codedeploy.operations() },
      AnyScaleFrontendService: { service: 'autoscaling', operations: autoscaling.operations() },
      Logs_20140328: { service: 'logs', operations: logs.operations() }
    },
    faults,
    log,
    now: () => clock.now(),
    sync: () => clock.sync(),
    requestId: () => world.rng.uuid(),
    accountId,
    throttle: options.rateLimits ? new Throttle() : undefined
  })

  const seedService = (o: SeedServiceOptions): string => {
    clock.sync()
    const params: Json = { ...clone(o), cluster: o.cluster ?? 'default', desiredCount: o.desiredCount ?? 1 }
    const service = ecsRef.createService(params)
    const deployment = service.deployments[0]
    if (!deployment) return service.arn
    const td = ecsRef.findTaskDefinition(deployment.taskDefinition)!
    const now = clock.now()
    for (let i = 0; i < service.desiredCount; i++) {
      const task = ecsRef.launchTask(service.cluster, td, now, {
        group: `service:${service.name}`,
        startedBy: deployment.id,
        service,
        deploymentId: deployment.id,
        launchType: deployment.launchType
      })
      task.lastStatus = 'RUNNING'
      task.pullStartedAt = task.pullStoppedAt = task.startedAt = task.connectivityAt = now
      for (const c of task.containers) c.lastStatus = 'RUNNING'
      task.healthyAt = now
      delete task.failure
      delete task.failingContainer
    }
    if (deployment.rolloutState !== undefined) {
      deployment.rolloutState = 'COMPLETED'
      deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`
    }
    service.lastCompleted = {
      deploymentId: deployment.id,
      taskDefinition: deployment.taskDefinition,
      serviceRevisionArn: deployment.serviceRevisionArn
    }
    const record = ecsRef.serviceDeployments.get(deployment.serviceDeploymentArn)
    if (record) {
      record.status = 'SUCCESSFUL'
      record.finishedAt = now
      if (record.circuitBreaker.status === 'MONITORING') record.circuitBreaker.status = 'MONITORING_COMPLETE'
    }
    service.steady = true
    ecsRef.event(service, `(service ${service.name}) has reached a steady state.`, now)
    return service.arn
  }

  return {
    endpoint,
    region,
    accountId,
    clock,
    get requests() {
      return log
    },
    writes: () => log.filter(r => r.write),
    throttled: () => log.filter(r => r.throttled === true),
    calls: (operation, service) =>
      log.filter(r => r.operation === operation && (service === undefined || r.service === service)),
    clearLog: () => {
      log.length = 0
    },
    faults: { add: rule => faults.add(rule), clear: () => faults.clear() },
    createCluster: name => ecsRef.createCluster(name).arn,
    seedTaskDefinition: definition => {
      clock.sync()
      return ecsRef.registerTaskDefinition(clone(definition) as Json).arn
    },
    seedService,
    describeService: (cluster, service) => {
      clock.sync()
      return ecsRef.describeService(ecsRef.service(cluster, service), true)
    },
    scenario: {
      failTasks: (match, how, o) => {
        ecsRef.scenario.failures.push({
          match,
          how,
          used: 0,
          ...(o?.times !== undefined ? { times: o.times } : {})
        })
      },
      placementFailure: (match, reason) => {
        ecsRef.scenario.placement.push(reason === undefined ? { match } : { match, reason })
      },
      runTasks: (match, script) => {
        ecsRef.scenario.scripts.push({ match, script })
      },
      taskStartSeconds: n => {
        ecsRef.scenario.startSeconds = n
      },
      taskStopSeconds: n => {
        ecsRef.scenario.stopSeconds = n
      },
      taskStableSeconds: n => {
        ecsRef.scenario.stableSeconds = n
      },
      healthCheckSeconds: n => {
        ecsRef.scenario.healthCheckSeconds = n
      },
      answerHooks: rule => {
        ecsRef.scenario.hookRules.push({ ...rule })
      },
      lambdaHookSeconds: n => {
        ecsRef.scenario.lambdaHookSeconds = n
      },
      clear: () => ecsRef.scenario.clear()
    },
    codedeploy: codedeploy.seed(),
    autoscaling: { registerScalableTarget: params => void autoscaling.register(params) },
    logs: {
      createLogGroup: name => logs.createLogGroup(name),
      lines: (group, stream) => {
        clock.sync()
        return (logs.groups.get(group)?.streams.get(stream)?.events ?? []).map(e => e.message)
      }
    },
    close: () => closeServer(server)
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close(error => (error ? reject(error) : resolve()))
    server.closeAllConnections()
  })
}

export { isWrite }
