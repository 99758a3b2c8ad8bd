/**
 * AWS CodeDeploy for ECS blue/green: applications, deployment groups and deployments that walk the ECS
 * lifecycle (install the replacement task set, test traffic, optional wait for a manual reroute, shift
 * production traffic, wait, terminate the original), with hooks that can fail and automatic rollback.
 */
import { parse as parseYaml } from 'yaml'
import type { Ecs } from './ecs.js'
import type { Operation } from './ecs-api.js'
import type { Deployment, Service } from './ecs-model.js'
import {
  AwsError,
  asNumber,
  asObject,
  asString,
  asStringArray,
  clone,
  compact,
  seconds,
  text,
  type Json
} from './util.js'
import type { World } from './world.js'

export const LIFECYCLE_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic'
] as const
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number]
const HOOK_EVENTS = new Set<string>([
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic'
])

type Phase = LifecycleEventName | 'Ready' | 'TerminationWait' | 'Terminate' | 'Rollback'

export type DeploymentStatus =
  'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped'

interface TrafficRouting {
  type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear'
  timeBasedCanary?: { canaryPercentage: number; canaryInterval: number }
  timeBasedLinear?: { linearPercentage: number; linearInterval: number }
}

interface DeploymentConfig {
  id: string
  name: string
  createTime: number
  trafficRoutingConfig: TrafficRouting
}

const BUILTIN_CONFIGS: Record<string, TrafficRouting> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce' },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': {
    type: 'TimeBasedLinear',
    timeBasedLinear: { linearPercentage: 10, linearInterval: 1 }
  },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': {
    type: 'TimeBasedLinear',
    timeBasedLinear: { linearPercentage: 10, linearInterval: 3 }
  },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': {
    type: 'TimeBasedCanary',
    timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 }
  },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': {
    type: 'TimeBasedCanary',
    timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 }
  }
}

interface Application {
  id: string
  name: string
  createTime: number
  computePlatform: string
}

interface DeploymentGroup {
  id: string
  applicationName: string
  name: string
  /** Everything else as given to CreateDeploymentGroup (defaults filled in). */
  body: Json
  lastSuccessful?: string
  lastAttempted?: string
}

interface LifecycleEvent {
  name: LifecycleEventName
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown'
  startTime?: number
  endTime?: number
  diagnostics?: Json
}

interface CdDeployment {
  id: string
  applicationName: string
  groupName: string
  configName: string
  status: DeploymentStatus
  createTime: number
  startTime?: number
  completeTime?: number
  description?: string
  revision: Json
  previousRevision?: Json
  taskDefinition: string
  hooks: Map<string, string>
  autoRollback: { enabled: boolean; events: string[] }
  error?: { code: string; message: string }
  rollbackMessage?: string
  /** The rollback deployment CodeDeploy started when this one failed or was stopped with rollback. */
  rollbackDeploymentId?: string
  /** On a rollback deployment: the deployment it rolls back. */
  rollbackOf?: string
  creator: 'user' | 'codeDeployRollback'
  events: LifecycleEvent[]
  phases: Phase[]
  phase: number
  phaseStarted?: number
  /** The ECS service and its task sets. */
  serviceKey: string
  original?: string | undefined
  replacement?: string | undefined
  readyContinued: boolean
  terminationContinued: boolean
  terminationWaitStarted: boolean
  updatedAt: number
  statusMessages: string[]
}

interface HookFailure {
  event: string
  times?: number
  used: number
  message?: string
}

export interface CodeDeploySeed {
  createApplication(name: string): void
  /** Same parameters as CreateDeploymentGroup (applicationName, deploymentGroupName, ecsServices, …). */
  createDeploymentGroup(params: Json): void
  createDeploymentConfig(name: string, trafficRoutingConfig: Json): void
  /** The hook declared in the AppSpec for `event` fails (the next `times` deployments, else always). */
  failHook(event: string, options?: { times?: number; message?: string }): void
  /** Seconds a hook's Lambda function takes. */
  hookSeconds(n: number): void
  /** Seconds a rollback deployment takes at least (it also waits for the replacement's tasks to stop). */
  rollbackSeconds(n: number): void
  /** The next `times` rollback deployments (else all) fail instead of succeeding. */
  failRollback(options?: { times?: number; message?: string }): void
  clear(): void
}

const notFound = (type: string, message: string): AwsError => new AwsError(type, message)

export class CodeDeploy {
  readonly applications = new Map<string, Application>()
  readonly groups = new Map<string, DeploymentGroup>()
  readonly deployments = new Map<string, CdDeployment>()
  readonly configs = new Map<string, DeploymentConfig>()
  private hookFailures: HookFailure[] = []
  private hookMs = 5000
  private rollbackMs = 15_000
  private rollbackFailures: { times?: number; used: number; message?: string }[] = []

  constructor(
    readonly world: World,
    readonly ecs: Ecs
  ) {}

  // ---- setup -------------------------------------------------------------------------------------------

  createApplication(name: string, computePlatform = 'ECS'): Application {
    if (this.applications.has(name))
      throw new AwsError('ApplicationAlreadyExistsException', `The application ${name} already exists.`)
    const app = { id: this.world.rng.uuid(), name, createTime: this.world.now(), computePlatform }
    this.applications.set(name, app)
    return app
  }

  application(name: unknown): Application {
    const text = asString(name, 'applicationName', true)
    const app = this.applications.get(text)
    if (!app) throw notFound('ApplicationDoesNotExistException', `No application found for name: ${text}`)
    return app
  }

  createDeploymentGroup(params: Json): DeploymentGroup {
    const app = this.application(params.applicationName)
    const name = asString(params.deploymentGroupName, 'deploymentGroupName', true)
    const key = `${app.name}/${name}`
    if (this.groups.has(key))
      throw new AwsError(
        'DeploymentGroupAlreadyExistsException',
        `The deployment group ${name} already exists.`
      )
    const body: Json = clone(params)
    delete body.applicationName
    delete body.deploymentGroupName
    delete body.tags
    body.deploymentConfigName ??= 'CodeDeployDefault.ECSAllAtOnce'
    body.deploymentStyle ??= { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' }
    body.autoRollbackConfiguration ??= { enabled: false, events: [] }
    body.blueGreenDeploymentConfiguration ??= {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 }
    }
    body.triggerConfigurations ??= []
    body.alarmConfiguration ??= { enabled: false, ignorePollAlarmFailure: false, alarms: [] }
    body.outdatedInstancesStrategy ??= 'UPDATE'
    body.computePlatform = app.computePlatform
    body.terminationHookEnabled ??= false
    const group: DeploymentGroup = { id: this.world.rng.uuid(), applicationName: app.name, name, body }
    this.groups.set(key, group)
    return group
  }

  group(applicationName: unknown, groupName: unknown): DeploymentGroup {
    const app = this.application(applicationName)
    const name = asString(groupName, 'deploymentGroupName', true)
    const group = this.groups.get(`${app.name}/${name}`)
    if (!group)
      throw notFound('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${name}`)
    return group
  }

  routing(name: string): TrafficRouting {
    const builtin = BUILTIN_CONFIGS[name]
    if (builtin) return builtin
    const custom = this.configs.get(name)
    if (custom) return custom.trafficRoutingConfig
    throw notFound(
      'DeploymentConfigDoesNotExistException',
      `No deployment configuration found for name: ${name}`
    )
  }

  deployment(id: unknown): CdDeployment {
    const text = asString(id, 'deploymentId', true)
    if (!/^d-[A-Z0-9]{9}$/.test(text))
      throw new AwsError(
        'InvalidDeploymentIdException',
        `Specified DeploymentId is not in the valid format: ${text}`
      )
    const d = this.deployments.get(text)
    if (!d) throw notFound('DeploymentDoesNotExistException', `The deployment ${text} could not be found.`)
    return d
  }

  // ---- deployments -------------------------------------------------------------------------------------

  createDeployment(params: Json): CdDeployment {
    const group = this.group(params.applicationName, params.deploymentGroupName)
    const active = [...this.deployments.values()].find(
      d => d.applicationName === group.applicationName && d.groupName === group.name && !isDone(d.status)
    )
    if (active)
      throw new AwsError(
        'DeploymentLimitExceededException',
        `The Deployment Group '${group.name}' already has an active Deployment '${active.id}'`
      )
    const revision = asObject(params.revision, 'revision')
    if (!revision) throw new AwsError('RevisionRequiredException', 'Revision is required.')
    const content =
      revision.revisionType === 'AppSpecContent'
        ? asObject(revision.appSpecContent, 'appSpecContent')
        : revision.string
          ? asObject(revision.string, 'string')
          : undefined
    const appspecText = text(content?.content)
    if (appspecText === '') throw new AwsError('InvalidRevisionException', 'The AppSpec content is missing.')
    let appspec: Json
    try {
      appspec = (parseYaml(appspecText) ?? {}) as Json
    } catch (error) {
      throw new AwsError(
        'InvalidRevisionException',
        `The AppSpec file could not be parsed: ${(error as Error).message}`
      )
    }
    const resources = Array.isArray(appspec.Resources) ? (appspec.Resources as Json[]) : []
    const target = resources
      .map(r => Object.values(r)[0] as Json | undefined)
      .find(r => r?.Type === 'AWS::ECS::Service')
    const properties = asObject(target?.Properties, 'Properties')
    const taskDefinition = text(properties?.TaskDefinition)
    if (!taskDefinition)
      throw new AwsError(
        'InvalidRevisionException',
        'The AppSpec file must name a TaskDefinition for the AWS::ECS::Service resource.'
      )
    const hooks = new Map<string, string>()
    for (const hook of Array.isArray(appspec.Hooks) ? (appspec.Hooks as Json[]) : [])
      for (const [event, fn] of Object.entries(hook)) hooks.set(event, text(fn))
    const configName =
      asString(params.deploymentConfigName, 'deploymentConfigName') ?? text(group.body.deploymentConfigName)
    this.routing(configName)
    const services =
      (group.body.ecsServices as { serviceName?: string; clusterName?: string }[] | undefined) ?? []
    const ecsService = services[0]
    const now = this.world.now()
    const rollbackGiven = asObject(params.autoRollbackConfiguration, 'autoRollbackConfiguration')
    const rollbackConfig = (rollbackGiven ?? group.body.autoRollbackConfiguration) as {
      enabled?: boolean
      events?: string[]
    }
    const bg = (group.body.blueGreenDeploymentConfiguration ?? {}) as Json
    const ready = (bg.deploymentReadyOption ?? {}) as Json
    const terminate = (bg.terminateBlueInstancesOnDeploymentSuccess ?? {}) as Json
    const phases: Phase[] = [
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'AllowTestTraffic',
      'AfterAllowTestTraffic'
    ]
    if (ready.actionOnTimeout === 'STOP_DEPLOYMENT') phases.push('Ready')
    phases.push('BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic')
    if (terminate.action !== 'KEEP_ALIVE') phases.push('TerminationWait', 'Terminate')
    const id = `d-${this.world.rng.alnumUpper(9)}`
    const previous = group.lastSuccessful ? this.deployments.get(group.lastSuccessful) : undefined
    const deployment: CdDeployment = {
      id,
      applicationName: group.applicationName,
      groupName: group.name,
      configName,
      status: 'Created',
      createTime: now,
      revision: clone(revision),
      taskDefinition,
      hooks,
      autoRollback: { enabled: rollbackConfig.enabled === true, events: rollbackConfig.events ?? [] },
      events: LIFECYCLE_EVENTS.map(name => ({ name, status: 'Pending' })),
      phases,
      phase: -1,
      serviceKey: `${ecsService?.clusterName ?? 'default'}/${ecsService?.serviceName ?? ''}`,
      readyContinued: false,
      terminationContinued: false,
      terminationWaitStarted: false,
      updatedAt: now,
      statusMessages: [],
      creator: 'user'
    }
    const description = asString(params.description, 'description')
    if (description !== undefined) deployment.description = description
    if (previous) deployment.previousRevision = clone(previous.revision)
    this.deployments.set(id, deployment)
    group.lastAttempted = id
    return deployment
  }

  private service(d: CdDeployment): Service | undefined {
    const service = this.ecs.services.get(d.serviceKey)
    return service && service.status === 'ACTIVE' ? service : undefined
  }

  private taskSet(service: Service | undefined, id: string | undefined): Deployment | undefined {
    return id === undefined ? undefined : service?.deployments.find(d => d.id === id)
  }

  step(time: number): void {
    for (const d of this.deployments.values()) {
      if (isDone(d.status)) {
        this.cleanUp(d)
        continue
      }
      this.advance(d, time)
    }
  }

  private event(d: CdDeployment, name: string): LifecycleEvent | undefined {
    return d.events.find(e => e.name === name)
  }

  private advance(d: CdDeployment, time: number): void {
    if (d.status === 'Created') {
      d.status = 'InProgress'
      d.startTime = time
      d.updatedAt = time
      const service = this.service(d)
      if (!service || service.deploymentController.type !== 'CODE_DEPLOY') {
        this.fail(
          d,
          time,
          'INVALID_ECS_SERVICE',
          `The ECS service ${d.serviceKey} does not exist or is not using the CODE_DEPLOY deployment controller.`
        )
        return
      }
      d.original = service.deployments.find(x => x.status === 'PRIMARY')?.id
      d.phase = 0
      d.phaseStarted = time
      this.startPhase(d, time)
      return
    }
    const phase = d.phases[d.phase]
    if (phase === undefined) return
    const done = this.runPhase(d, phase, time)
    if (done === 'failed' || isDone(d.status)) return
    if (done) {
      const event = this.event(d, phase)
      if (event) {
        event.status = 'Succeeded'
        event.endTime = time
      }
      d.phase++
      d.phaseStarted = time
      d.updatedAt = time
      if (d.phase >= d.phases.length) {
        this.succeed(d, time)
        return
      }
      this.startPhase(d, time)
    }
  }

  private startPhase(d: CdDeployment, time: number): void {
    const phase = d.phases[d.phase]
    const event = phase === undefined ? undefined : this.event(d, phase)
    if (event) {
      event.status = 'InProgress'
      event.startTime = time
    }
    const service = this.service(d)
    if (!service) return
    if (phase === 'Install') {
      const td = this.ecs.findTaskDefinition(d.taskDefinition)
      if (!td) {
        this.fail(
          d,
          time,
          'ECS_UPDATE_ERROR',
          `Failed to create taskset. Reason: Unable to describe task definition.`
        )
        return
      }
      const id = this.ecs.deploymentId()
      const revision = this.ecs.revision(service, td.arn, time)
      const replacement: Deployment = {
        id,
        status: 'ACTIVE',
        taskDefinition: td.arn,
        desiredCount: service.desiredCount,
        failedTasks: 0,
        createdAt: time,
        updatedAt: time,
        serviceRevisionArn: revision.arn,
        serviceDeploymentArn: '',
        halted: false,
        taskSet: {
          arn: this.world.arn('ecs', `task-set/${service.cluster.name}/${service.name}/${id}`),
          scale: 100,
          startedBy: 'CodeDeploy',
          externalId: d.id,
          productionWeight: 0,
          testWeight: 0
        }
      }
      const primary = service.deployments.find(x => x.status === 'PRIMARY')
      for (const k of [
        'launchType',
        'capacityProviderStrategy',
        'platformVersion',
        'platformFamily',
        'networkConfiguration'
      ] as const)
        if (primary?.[k] !== undefined) replacement[k] = clone(primary[k]) as never
      service.deployments.push(replacement)
      service.steady = false
      d.replacement = id
    } else if (phase === 'AllowTestTraffic') {
      const replacement = this.taskSet(service, d.replacement)
      const original = this.taskSet(service, d.original)
      if (replacement?.taskSet) replacement.taskSet.testWeight = 100
      if (original?.taskSet) original.taskSet.testWeight = 0
    } else if (phase === 'Ready') {
      d.status = 'Ready'
    } else if (phase === 'TerminationWait') {
      d.terminationWaitStarted = true
    }
  }

  /** true when the phase is complete, false to keep waiting, 'failed' when it failed the deployment. */
  private runPhase(d: CdDeployment, phase: Phase, time: number): boolean | 'failed' {
    const elapsed = time - (d.phaseStarted ?? time)
    const service = this.service(d)
    if (!service) {
      this.fail(d, time, 'INVALID_ECS_SERVICE', `The ECS service ${d.serviceKey} is no longer active.`)
      return 'failed'
    }
    if (HOOK_EVENTS.has(phase)) {
      const fn = d.hooks.get(phase)
      if (fn === undefined) return true
      if (elapsed < this.hookMs) return false
      const failure = this.hookFailures.find(
        f => f.event === phase && (f.times === undefined || f.used < f.times)
      )
      if (failure) {
        failure.used++
        const event = this.event(d, phase)
        if (event) {
          event.status = 'Failed'
          event.endTime = time
          event.diagnostics = {
            errorCode: 'ScriptFailed',
            scriptName: '',
            message: failure.message ?? `The lifecycle hook ${fn} reported Failed.`,
            logTail: ''
          }
        }
        this.fail(
          d,
          time,
          'HOOK_EXECUTION_FAILURE',
          'The deployment failed because one or more of the lifecycle event validations failed.',
          false
        )
        return 'failed'
      }
      return true
    }
    switch (phase) {
      case 'Install': {
        const replacement = this.taskSet(service, d.replacement)
        if (!replacement) return false
        if (replacement.failedTasks >= 3) {
          const event = this.event(d, 'Install')
          if (event) {
            event.status = 'Failed'
            event.endTime = time
          }
          this.fail(
            d,
            time,
            'ECS_UPDATE_ERROR',
            'The ECS service cannot reach a steady state: tasks in the replacement task set failed to start.',
            false
          )
          return 'failed'
        }
        const tasks = this.ecs
          .tasksOf(service)
          .filter(t => t.deploymentId === replacement.id && t.desiredStatus === 'RUNNING')
        const want = Math.ceil(service.desiredCount)
        return tasks.length === want && tasks.every(t => t.lastStatus === 'RUNNING')
      }
      case 'AllowTestTraffic':
        return true
      case 'Ready': {
        if (d.readyContinued) {
          d.status = 'InProgress'
          return true
        }
        const bg = (this.groupOf(d)?.body.blueGreenDeploymentConfiguration ?? {}) as Json
        const wait =
          asNumber((bg.deploymentReadyOption as Json | undefined)?.waitTimeInMinutes, 'waitTimeInMinutes') ??
          0
        if (elapsed >= wait * 60_000) {
          d.status = 'InProgress'
          this.stop(
            d,
            time,
            'TIMEOUT',
            'The deployment timed out while waiting for the replacement task set to be rerouted.',
            true
          )
          return 'failed'
        }
        return false
      }
      case 'AllowTraffic': {
        const weight = trafficWeight(this.routing(d.configName), elapsed)
        this.shift(service, d, weight)
        if (weight < 100) return false
        this.promote(service, d, time)
        return true
      }
      case 'TerminationWait': {
        if (d.terminationContinued) return true
        const bg = (this.groupOf(d)?.body.blueGreenDeploymentConfiguration ?? {}) as Json
        const wait =
          asNumber(
            (bg.terminateBlueInstancesOnDeploymentSuccess as Json | undefined)?.terminationWaitTimeInMinutes,
            'wait'
          ) ?? 0
        return elapsed >= wait * 60_000
      }
      case 'Terminate': {
        const original = this.taskSet(service, d.original)
        if (!original) return true
        if (original.taskSet) original.taskSet.scale = 0
        const alive = this.ecs
          .tasksOf(service)
          .some(t => t.deploymentId === original.id && t.lastStatus !== 'STOPPED')
        if (alive) return false
        service.deployments = service.deployments.filter(x => x !== original)
        original.status = 'INACTIVE'
        return true
      }
      case 'Rollback': {
        const replacement = this.taskSet(service, d.replacement)
        const alive =
          replacement !== undefined &&
          this.ecs.tasksOf(service).some(t => t.deploymentId === replacement.id && t.lastStatus !== 'STOPPED')
        if (elapsed < this.rollbackMs || alive) return false
        const failure = this.rollbackFailures.find(f => f.times === undefined || f.used < f.times)
        if (failure) {
          failure.used++
          this.finish(
            d,
            time,
            'Failed',
            'ECS_UPDATE_ERROR',
            failure.message ??
              'The rollback deployment failed: the original task set did not reach a steady state.',
            'NONE',
            false
          )
          const of = d.rollbackOf === undefined ? undefined : this.deployments.get(d.rollbackOf)
          if (of) of.rollbackMessage = `The rollback deployment ${d.id} failed.`
          return 'failed'
        }
        return true
      }
      default:
        return true
    }
  }

  private groupOf(d: CdDeployment): DeploymentGroup | undefined {
    return this.groups.get(`${d.applicationName}/${d.groupName}`)
  }

  private shift(service: Service, d: CdDeployment, weight: number): void {
    const replacement = this.taskSet(service, d.replacement)
    const original = this.taskSet(service, d.original)
    if (replacement?.taskSet) replacement.taskSet.productionWeight = weight
    if (original?.taskSet) original.taskSet.productionWeight = 100 - weight
    const message = `Traffic shifted: ${weight}% to the replacement task set.`
    if (d.statusMessages.at(-1) !== message) d.statusMessages.push(message)
  }

  /** The replacement becomes the service's PRIMARY task set: the service now runs its task definition. */
  private promote(service: Service, d: CdDeployment, time: number): void {
    const replacement = this.taskSet(service, d.replacement)
    if (!replacement) return
    for (const x of service.deployments) if (x.status === 'PRIMARY') x.status = 'ACTIVE'
    replacement.status = 'PRIMARY'
    replacement.updatedAt = time
    service.deployments = [replacement, ...service.deployments.filter(x => x !== replacement)]
    service.taskDefinition = replacement.taskDefinition
  }

  private succeed(d: CdDeployment, time: number): void {
    d.status = 'Succeeded'
    d.completeTime = time
    d.updatedAt = time
    if (d.rollbackOf !== undefined) {
      const of = this.deployments.get(d.rollbackOf)
      if (of) of.rollbackMessage = `Deployment ${of.id} has been rolled back by deployment ${d.id}.`
      return
    }
    const group = this.groupOf(d)
    if (group) group.lastSuccessful = d.id
    const service = this.service(d)
    if (service)
      service.lastCompleted = {
        deploymentId: d.replacement ?? '',
        taskDefinition: service.taskDefinition,
        serviceRevisionArn: ''
      }
  }

  private fail(d: CdDeployment, time: number, code: string, message: string, markEvent = true): void {
    this.finish(d, time, 'Failed', code, message, 'DEPLOYMENT_FAILURE', markEvent)
  }

  private stop(d: CdDeployment, time: number, code: string, message: string, rollback: boolean): void {
    this.finish(d, time, 'Stopped', code, message, rollback ? 'FORCE' : 'NONE', true)
  }

  /** Ends a deployment; with rollback, traffic goes back to the original task set and the replacement goes. */
  private finish(
    d: CdDeployment,
    time: number,
    status: 'Failed' | 'Stopped',
    code: string,
    message: string,
    rollbackEvent: string,
    markEvent: boolean
  ): void {
    const phase = d.phases[d.phase]
    if (markEvent && phase !== undefined) {
      const event = this.event(d, phase)
      if (event && event.status === 'InProgress') {
        event.status = status === 'Failed' ? 'Failed' : 'Unknown'
        event.endTime = time
      }
    }
    for (const event of d.events) if (event.status === 'Pending') event.status = 'Skipped'
    d.status = status
    d.completeTime = time
    d.updatedAt = time
    d.error = { code, message }
    const rollback =
      rollbackEvent === 'FORCE' ||
      (rollbackEvent !== 'NONE' && d.autoRollback.enabled && d.autoRollback.events.includes(rollbackEvent))
    const service = this.service(d)
    if (!service) return
    const replacement = this.taskSet(service, d.replacement)
    const original = this.taskSet(service, d.original)
    const shifted = replacement?.status === 'PRIMARY'
    if (!rollback && !shifted) {
      // Without rollback CodeDeploy leaves the replacement in place, taking no production traffic.
      return
    }
    if (rollback && original) this.startRollback(d, service, time)
  }

  /**
   * CodeDeploy rolls back with a deployment of its own (creator codeDeployRollback): it reroutes production
   * traffic to the original task set at once, then holds the group until the replacement's tasks stopped.
   */
  private startRollback(d: CdDeployment, service: Service, time: number): void {
    const replacement = this.taskSet(service, d.replacement)
    const original = this.taskSet(service, d.original)
    if (!original) return
    const id = `d-${this.world.rng.alnumUpper(9)}`
    const rollback: CdDeployment = {
      id,
      applicationName: d.applicationName,
      groupName: d.groupName,
      configName: d.configName,
      status: 'InProgress',
      createTime: time,
      startTime: time,
      revision: clone(d.previousRevision ?? d.revision),
      taskDefinition: original.taskDefinition,
      hooks: new Map(),
      autoRollback: { enabled: false, events: [] },
      events: [],
      phases: ['Rollback'],
      phase: 0,
      phaseStarted: time,
      serviceKey: d.serviceKey,
      original: d.original,
      replacement: d.replacement,
      readyContinued: false,
      terminationContinued: false,
      terminationWaitStarted: false,
      updatedAt: time,
      statusMessages: [],
      rollbackOf: d.id,
      creator: 'codeDeployRollback'
    }
    if (d.previousRevision) rollback.previousRevision = clone(d.revision)
    this.deployments.set(id, rollback)
    const group = this.groupOf(d)
    if (group) group.lastAttempted = id
    d.rollbackDeploymentId = id
    d.rollbackMessage = `Deployment ${d.id} is being rolled back by deployment ${id}.`
    this.shift(service, d, 0)
    if (original.taskSet) {
      original.taskSet.scale = 100
      original.taskSet.testWeight = 100
    }
    if (replacement?.taskSet) replacement.taskSet.testWeight = 0
    for (const x of service.deployments) if (x.status === 'PRIMARY') x.status = 'ACTIVE'
    original.status = 'PRIMARY'
    service.deployments = [original, ...service.deployments.filter(x => x !== original)]
    service.taskDefinition = original.taskDefinition
    if (replacement?.taskSet) replacement.taskSet.scale = 0
  }

  /** After a deployment ended: task sets scaled to 0 disappear once their tasks stopped. */
  private cleanUp(d: CdDeployment): void {
    const service = this.service(d)
    if (!service) return
    for (const id of [d.replacement, d.original]) {
      const set = this.taskSet(service, id)
      if (!set?.taskSet || set.taskSet.scale !== 0 || set.status === 'PRIMARY') continue
      if (this.ecs.tasksOf(service).some(t => t.deploymentId === set.id && t.lastStatus !== 'STOPPED'))
        continue
      service.deployments = service.deployments.filter(x => x !== set)
      set.status = 'INACTIVE'
    }
  }

  // ---- replies -----------------------------------------------------------------------------------------

  describeDeployment(d: CdDeployment): Json {
    const group = this.groupOf(d)
    const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 }
    const key = overviewStatus(d.status)
    overview[key] = 1
    return compact({
      applicationName: d.applicationName,
      deploymentGroupName: d.groupName,
      deploymentConfigName: d.configName,
      deploymentId: d.id,
      previousRevision: d.previousRevision ? clone(d.previousRevision) : undefined,
      revision: clone(d.revision),
      status: d.status,
      errorInformation: d.error ? { ...d.error } : undefined,
      createTime: seconds(d.createTime),
      startTime: seconds(d.startTime),
      completeTime: seconds(d.completeTime),
      deploymentOverview: overview,
      description: d.description,
      creator: d.creator,
      ignoreApplicationStopFailures: false,
      autoRollbackConfiguration: clone(d.autoRollback),
      updateOutdatedInstancesOnly: false,
      rollbackInfo:
        d.rollbackMessage || d.rollbackDeploymentId || d.rollbackOf
          ? compact({
              rollbackDeploymentId: d.rollbackDeploymentId,
              rollbackTriggeringDeploymentId: d.rollbackOf,
              rollbackMessage: d.rollbackMessage
            })
          : undefined,
      deploymentStyle: clone(group?.body.deploymentStyle),
      instanceTerminationWaitTimeStarted: d.terminationWaitStarted,
      blueGreenDeploymentConfiguration: clone(group?.body.blueGreenDeploymentConfiguration),
      loadBalancerInfo: clone(group?.body.loadBalancerInfo),
      fileExistsBehavior: 'DISALLOW',
      deploymentStatusMessages: [...d.statusMessages],
      computePlatform: 'ECS'
    })
  }

  describeTarget(d: CdDeployment): Json {
    const service = this.ecs.services.get(d.serviceKey)
    const [cluster, name] = d.serviceKey.split('/')
    const groups = (group => {
      const pairs = (group?.body.loadBalancerInfo as Json | undefined)?.targetGroupPairInfoList as
        Json[] | undefined
      return ((pairs?.[0]?.targetGroups as { name?: string }[] | undefined) ?? []).map(g => g.name ?? '')
    })(this.groupOf(d))
    const info = (
      id: string | undefined,
      label: 'Blue' | 'Green',
      groupName: string | undefined
    ): Json | undefined => {
      const set = this.taskSet(service, id)
      if (!set?.taskSet || !service) return undefined
      const tasks = this.ecs
        .tasksOf(service)
        .filter(t => t.deploymentId === set.id && t.desiredStatus === 'RUNNING')
      return compact({
        identifer: set.id,
        desiredCount: Math.ceil((service.desiredCount * set.taskSet.scale) / 100),
        pendingCount: tasks.filter(t => t.lastStatus !== 'RUNNING').length,
        runningCount: tasks.filter(t => t.lastStatus === 'RUNNING').length,
        status: set.status,
        trafficWeight: set.taskSet.productionWeight,
        targetGroup: groupName === undefined ? undefined : { name: groupName },
        taskSetLabel: label
      })
    }
    const status = overviewStatus(d.status)
    return {
      deploymentTargetType: 'ECSTarget',
      ecsTarget: compact({
        deploymentId: d.id,
        targetId: `${cluster}:${name}`,
        targetArn: service?.arn ?? this.world.arn('ecs', `service/${cluster}/${name}`),
        lastUpdatedAt: seconds(d.updatedAt),
        lifecycleEvents: d.events.map(e =>
          compact({
            lifecycleEventName: e.name,
            diagnostics: e.diagnostics ? clone(e.diagnostics) : undefined,
            startTime: seconds(e.startTime),
            endTime: seconds(e.endTime),
            status: e.status
          })
        ),
        status,
        taskSetsInfo: [info(d.original, 'Blue', groups[0]), info(d.replacement, 'Green', groups[1])].filter(
          x => x !== undefined
        )
      })
    }
  }

  describeGroup(group: DeploymentGroup): Json {
    const last = (id: string | undefined): Json | undefined => {
      const d = id === undefined ? undefined : this.deployments.get(id)
      return d
        ? compact({
            deploymentId: d.id,
            status: d.status,
            endTime: seconds(d.completeTime),
            createTime: seconds(d.createTime)
          })
        : undefined
    }
    return compact({
      applicationName: group.applicationName,
      deploymentGroupId: group.id,
      deploymentGroupName: group.name,
      ...clone(group.body),
      lastSuccessfulDeployment: last(group.lastSuccessful),
      lastAttemptedDeployment: last(group.lastAttempted)
    })
  }

  describeApplication(app: Application): Json {
    return {
      applicationId: app.id,
      applicationName: app.name,
      createTime: seconds(app.createTime),
      linkedToGitHub: false,
      computePlatform: app.computePlatform
    }
  }

  // ---- operations --------------------------------------------------------------------------------------

  operations(): Record<string, Operation> {
    return {
      CreateApplication: p => {
        const name = asString(p.applicationName, 'applicationName', true)
        return {
          applicationId: this.createApplication(
            name,
            asString(p.computePlatform, 'computePlatform') ?? 'Server'
          ).id
        }
      },
      GetApplication: p => ({ application: this.describeApplication(this.application(p.applicationName)) }),
      ListApplications: () => ({ applications: [...this.applications.keys()].sort() }),
      BatchGetApplications: p => ({
        applicationsInfo: asStringArray(p.applicationNames, 'applicationNames').map(n =>
          this.describeApplication(this.application(n))
        )
      }),
      CreateDeploymentGroup: p => ({ deploymentGroupId: this.createDeploymentGroup(p).id }),
      GetDeploymentGroup: p => ({
        deploymentGroupInfo: this.describeGroup(this.group(p.applicationName, p.deploymentGroupName))
      }),
      ListDeploymentGroups: p => {
        const app = this.application(p.applicationName)
        const names = [...this.groups.values()]
          .filter(g => g.applicationName === app.name)
          .map(g => g.name)
          .sort()
        return { applicationName: app.name, deploymentGroups: names }
      },
      BatchGetDeploymentGroups: p => {
        const app = this.application(p.applicationName)
        const found: Json[] = []
        const missing: string[] = []
        for (const name of asStringArray(p.deploymentGroupNames, 'deploymentGroupNames')) {
          const group = this.groups.get(`${app.name}/${name}`)
          if (group) found.push(this.describeGroup(group))
          else missing.push(name)
        }
        return {
          deploymentGroupsInfo: found,
          ...(missing.length > 0
            ? { errorMessage: `Deployment groups not found: ${missing.join(', ')}` }
            : {})
        }
      },
      GetDeploymentConfig: p => {
        const name = asString(p.deploymentConfigName, 'deploymentConfigName', true)
        const routing = this.routing(name)
        const custom = this.configs.get(name)
        return {
          deploymentConfigInfo: {
            deploymentConfigId: custom?.id ?? name,
            deploymentConfigName: name,
            createTime: seconds(custom?.createTime ?? 0),
            computePlatform: 'ECS',
            trafficRoutingConfig: clone(routing)
          }
        }
      },
      CreateDeployment: p => ({ deploymentId: this.createDeployment(p).id }),
      GetDeployment: p => ({ deploymentInfo: this.describeDeployment(this.deployment(p.deploymentId)) }),
      BatchGetDeployments: p => ({
        deploymentsInfo: asStringArray(p.deploymentIds, 'deploymentIds')
          .map(id => this.deployments.get(id))
          .filter(d => d !== undefined)
          .map(d => this.describeDeployment(d))
      }),
      ListDeployments: p => {
        const appName = asString(p.applicationName, 'applicationName')
        const groupName = asString(p.deploymentGroupName, 'deploymentGroupName')
        if (appName !== undefined && groupName !== undefined) this.group(appName, groupName)
        else if (appName !== undefined) this.application(appName)
        const statuses = asStringArray(p.includeOnlyStatuses, 'includeOnlyStatuses')
        const range = asObject(p.createTimeRange, 'createTimeRange')
        const start = asNumber(range?.start, 'start')
        const end = asNumber(range?.end, 'end')
        const ids = [...this.deployments.values()]
          .reverse()
          .filter(d => appName === undefined || d.applicationName === appName)
          .filter(d => groupName === undefined || d.groupName === groupName)
          .filter(d => statuses.length === 0 || statuses.includes(d.status))
          .filter(d => start === undefined || d.createTime >= start * 1000)
          .filter(d => end === undefined || d.createTime <= end * 1000)
          .map(d => d.id)
        return { deployments: ids }
      },
      StopDeployment: p => {
        const d = this.deployment(p.deploymentId)
        if (isDone(d.status))
          throw new AwsError(
            'DeploymentAlreadyCompletedException',
            `The deployment ${d.id} has already completed.`
          )
        const rollback =
          typeof p.autoRollbackEnabled === 'boolean'
            ? p.autoRollbackEnabled
            : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST')
        this.stop(d, this.world.now(), 'MANUAL_STOP', 'The deployment was stopped by a user.', rollback)
        return { status: 'Pending', statusMessage: 'Stopping the deployment.' }
      },
      ContinueDeployment: p => {
        const d = this.deployment(p.deploymentId)
        const wait = asString(p.deploymentWaitType, 'deploymentWaitType') ?? 'READY_WAIT'
        if (wait !== 'READY_WAIT' && wait !== 'TERMINATION_WAIT')
          throw new AwsError('InvalidDeploymentWaitTypeException', `Invalid deployment wait type: ${wait}`)
        if (isDone(d.status))
          throw new AwsError(
            'DeploymentAlreadyCompletedException',
            `The deployment ${d.id} has already completed.`
          )
        if (wait === 'READY_WAIT') {
          if (d.status !== 'Ready')
            throw new AwsError(
              'DeploymentIsNotInReadyStateException',
              `The deployment ${d.id} is not in a ready state.`
            )
          d.readyContinued = true
        } else {
          if (d.phases[d.phase] !== 'TerminationWait')
            throw new AwsError(
              'DeploymentIsNotInReadyStateException',
              `The deployment ${d.id} is not waiting to terminate the original task set.`
            )
          d.terminationContinued = true
        }
        return {}
      },
      ListDeploymentTargets: p => {
        const d = this.deployment(p.deploymentId)
        const [cluster, name] = d.serviceKey.split('/')
        return { targetIds: [`${cluster}:${name}`] }
      },
      BatchGetDeploymentTargets: p => {
        const d = this.deployment(p.deploymentId)
        const target = this.describeTarget(d)
        const ids = asStringArray(p.targetIds, 'targetIds')
        const targetId = (target.ecsTarget as Json).targetId
        const missing = ids.find(id => id !== targetId)
        if (missing !== undefined)
          throw new AwsError(
            'DeploymentTargetDoesNotExistException',
            `The target ${missing} does not exist in deployment ${d.id}.`
          )
        return { deploymentTargets: ids.map(() => target) }
      }
    }
  }

  seed(): CodeDeploySeed {
    return {
      createApplication: name => {
        this.createApplication(name, 'ECS')
      },
      createDeploymentGroup: params => {
        this.createDeploymentGroup(clone(params))
      },
      createDeploymentConfig: (name, trafficRoutingConfig) => {
        this.configs.set(name, {
          id: this.world.rng.uuid(),
          name,
          createTime: this.world.now(),
          trafficRoutingConfig: clone(trafficRoutingConfig) as unknown as TrafficRouting
        })
      },
      failHook: (event, options) => {
        this.hookFailures.push({
          event,
          used: 0,
          ...(options?.times !== undefined ? { times: options.times } : {}),
          ...(options?.message !== undefined ? { message: options.message } : {})
        })
      },
      hookSeconds: n => {
        this.hookMs = n * 1000
      },
      rollbackSeconds: n => {
        this.rollbackMs = n * 1000
      },
      failRollback: options => {
        this.rollbackFailures.push({
          used: 0,
          ...(options?.times !== undefined ? { times: options.times } : {}),
          ...(options?.message !== undefined ? { message: options.message } : {})
        })
      },
      clear: () => {
        this.hookFailures = []
        this.rollbackFailures = []
      }
    }
  }
}

function isDone(status: DeploymentStatus): boolean {
  return status === 'Succeeded' || status === 'Failed' || status === 'Stopped'
}

/** Production traffic (percent) on the replacement, `elapsedMs` into AllowTraffic. */
export function trafficWeight(routing: TrafficRouting, elapsedMs: number): number {
  const minutes = elapsedMs / 60_000
  if (routing.type === 'TimeBasedCanary' && routing.timeBasedCanary) {
    const { canaryPercentage, canaryInterval } = routing.timeBasedCanary
    return minutes >= canaryInterval ? 100 : canaryPercentage
  }
  if (routing.type === 'TimeBasedLinear' && routing.timeBasedLinear) {
    const { linearPercentage, linearInterval } = routing.timeBasedLinear
    return Math.min(100, linearPercentage * (1 + Math.floor(minutes / linearInterval)))
  }
  return 100
}

/** How a deployment's status counts in its overview and target lifecycle (Pending, InProgress, …). */
function overviewStatus(status: CdDeployment['status']) {
  if (status === 'Created' || status === 'Queued') return 'Pending'
  if (status === 'Stopped') return 'Failed'
  if (status === 'Baking') return 'InProgress'
  return status
}
