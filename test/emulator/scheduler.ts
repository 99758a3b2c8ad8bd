/**
 * The ECS service scheduler, one tick at a time: tasks move through their lifecycle, rolling deployments
 * start and stop tasks within minimumHealthyPercent/maximumPercent, old deployments drain away, the circuit
 * breaker trips, CODE_DEPLOY task sets hold their scaled counts.
 */
import { failureThreshold, type Ecs } from './ecs.js'
import type { Deployment, Service, TaskState } from './ecs-model.js'
import { holdsBlue, launchesGreen, nativeDone, stepNative } from './native-deploy.js'

const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000
/** ECS repeats an identical placement message at most this often. */
const REPEAT_MESSAGE_MS = 5 * 60 * 1000

export function step(ecs: Ecs, time: number): void {
  for (const task of [...ecs.tasks.values()]) stepTask(ecs, task, time)
  for (const service of ecs.services.values()) {
    if (service.status === 'INACTIVE') continue
    if (service.deploymentController.type === 'EXTERNAL') continue
    if (service.deploymentController.type === 'CODE_DEPLOY') scheduleTaskSets(ecs, service, time)
    else scheduleRolling(ecs, service, time)
    if (service.status === 'DRAINING' && ecs.tasksOf(service).every(t => t.lastStatus === 'STOPPED')) {
      service.status = 'INACTIVE'
      for (const d of service.deployments) d.status = 'INACTIVE'
    }
  }
}

function stepTask(ecs: Ecs, task: TaskState, time: number): void {
  if (task.lastStatus === 'STOPPED') {
    if (time - (task.stoppedAt ?? time) > STOPPED_TASK_RETENTION_MS) ecs.tasks.delete(task.arn)
    return
  }
  if (task.desiredStatus === 'STOPPED') {
    if (task.stopAt !== undefined && time >= task.stopAt) {
      task.lastStatus = 'STOPPED'
      task.stoppedAt = time
      // A one-off task stopped by StopTask: its containers got SIGTERM (128 + 15).
      const stopped = task.script !== undefined && task.stopCode === 'UserInitiated' ? 143 : 0
      for (const c of task.containers) {
        if (c.lastStatus === 'RUNNING') c.exitCode ??= stopped
        c.lastStatus = 'STOPPED'
      }
      task.version++
    } else if (
      task.lastStatus === 'DEACTIVATING' &&
      task.stoppingAt !== undefined &&
      time >= task.stoppingAt + 1000
    ) {
      task.lastStatus = 'STOPPING'
    }
    return
  }
  const failure = task.failure
  if (task.lastStatus === 'PROVISIONING' && time >= task.pendingAt) {
    task.lastStatus = 'PENDING'
    task.pullStartedAt = time
    task.connectivityAt = time
    task.version++
  }
  if (task.lastStatus === 'PENDING' && time >= task.runAt) {
    if (failure?.kind === 'cannot-pull') {
      const failing = task.containers.find(c => c.name === task.failingContainer) ?? task.containers[0]
      const image = failing?.image ?? ''
      const message =
        failure.message ??
        `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: not found`
      if (failing) failing.reason = message
      ecs.stopTask(task, 'TaskFailedToStart', message, time, true)
      task.stopAt = time + 1000
      return
    }
    // The awslogs driver creates each container's stream as it starts; without its log group the task fails.
    // Only where the test models CloudWatch Logs (some group exists): elsewhere groups appear as needed.
    const logs = ecs.logs
    const strict = logs !== undefined && logs.groups.size > 0
    const missing = strict
      ? task.containers.find(c => c.log && !c.log.createGroup && !logs.hasGroup(c.log.group))
      : undefined
    if (logs && missing?.log) {
      missing.reason = `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1`
      ecs.stopTask(task, 'TaskFailedToStart', missing.reason, time, true)
      task.stopAt = time + 1000
      return
    }
    for (const c of task.containers) {
      if (!logs || !c.log) continue
      if (!logs.hasGroup(c.log.group)) logs.createLogGroup(c.log.group)
      logs.createStream(c.log.group, c.log.stream)
    }
    task.lastStatus = 'RUNNING'
    task.startedAt = time
    task.pullStoppedAt = time
    for (const c of task.containers) c.lastStatus = 'RUNNING'
    task.version++
    if (task.script) {
      task.exitAt = time + scriptSeconds(task) * 1000
      shipLogs(ecs, task, time)
    }
    if (failure) task.failAt = time + (failure.afterSeconds ?? 30) * 1000
    // Behind a load balancer a task is healthy once the target group's health checks pass; never if it fails them.
    const service = task.serviceKey === undefined ? undefined : ecs.services.get(task.serviceKey)
    if (!service || loadBalancersOf(service).length === 0) task.healthyAt = time
    else if (failure?.kind !== 'unhealthy') task.healthyAt = time + ecs.scenario.healthCheckSeconds * 1000
    return
  }
  if (task.lastStatus === 'RUNNING' && task.script) {
    shipLogs(ecs, task, time)
    if (task.exitAt !== undefined && time >= task.exitAt && !failure) {
      exitScript(ecs, task, time)
      return
    }
  }
  if (task.lastStatus === 'RUNNING' && failure && task.failAt !== undefined && time >= task.failAt) {
    if (failure.kind === 'exit') {
      const exitCode = failure.exitCode ?? 1
      const failing = task.containers.find(c => c.name === task.failingContainer) ?? task.containers[0]
      if (failing) {
        failing.exitCode = exitCode
        failing.lastStatus = 'STOPPED'
        if (failure.reason !== undefined) failing.reason = failure.reason
      }
      // A non-essential container's exit leaves the task running.
      if (failing && !failing.essential) {
        delete task.failAt
        task.version++
        return
      }
      ecs.stopTask(
        task,
        'EssentialContainerExited',
        'Essential container in task exited',
        time,
        exitCode !== 0
      )
      task.stopAt = time + 1000
    } else if (failure.kind === 'unhealthy') {
      const service = task.serviceKey === undefined ? undefined : ecs.services.get(task.serviceKey)
      const tg =
        failure.targetGroupArn ??
        String(
          ((service?.settings.loadBalancers as { targetGroupArn?: string }[] | undefined) ?? [])[0]
            ?.targetGroupArn ?? ''
        )
      if (service)
        ecs.event(
          service,
          `(service ${service.name}) (task ${task.id}) failed ELB health checks in (target-group ${tg})`,
          time
        )
      ecs.stopTask(
        task,
        'ServiceSchedulerInitiated',
        `Task failed ELB health checks in (target-group ${tg})`,
        time,
        true
      )
    }
  }
}

/** The script's lines per container: a list belongs to the script's container. */
function scriptLines(task: TaskState): Record<string, string[]> {
  const logs = task.script?.logs
  if (logs === undefined) return {}
  if (!Array.isArray(logs)) return logs
  const name = scriptContainer(task)?.name
  return name === undefined ? {} : { [name]: logs }
}

function scriptContainer(task: TaskState): TaskState['containers'][number] | undefined {
  const named = task.script?.container
  return named !== undefined
    ? task.containers.find(c => c.name === named)
    : (task.containers.find(c => c.essential) ?? task.containers[0])
}

function scriptSeconds(task: TaskState): number {
  if (task.script?.runSeconds !== undefined) return task.script.runSeconds
  const longest = Math.max(0, ...Object.values(scriptLines(task)).map(lines => lines.length))
  return Math.max(5, longest + 1)
}

/** Ships every line due by `time` (one a second from RUNNING) to the container's log stream. */
function shipLogs(ecs: Ecs, task: TaskState, time: number): void {
  const logs = ecs.logs
  if (!logs || task.startedAt === undefined) return
  task.logged ??= {}
  for (const [name, lines] of Object.entries(scriptLines(task))) {
    const container = task.containers.find(c => c.name === name)
    if (!container?.log || container.lastStatus !== 'RUNNING') continue
    let done = task.logged[name] ?? 0
    while (done < lines.length && task.startedAt + done * 1000 <= time) {
      logs.put(container.log.group, container.log.stream, lines[done]!, task.startedAt + done * 1000)
      done++
    }
    task.logged[name] = done
  }
}

/** The script's container exits; an essential one stops the task, as on ECS. */
function exitScript(ecs: Ecs, task: TaskState, time: number): void {
  const container = scriptContainer(task)
  delete task.exitAt
  if (!container) return
  const exitCode = task.script?.exitCode ?? 0
  container.exitCode = exitCode
  container.lastStatus = 'STOPPED'
  task.version++
  if (!container.essential) return
  ecs.stopTask(task, 'EssentialContainerExited', 'Essential container in task exited', time, exitCode !== 0)
  task.stopAt = time + 1000
}

interface Counts {
  alive: TaskState[]
  running: TaskState[]
  pending: TaskState[]
}

function counts(tasks: TaskState[], deployment?: Deployment): Counts {
  const alive = tasks.filter(
    t => t.desiredStatus === 'RUNNING' && (!deployment || t.deploymentId === deployment.id)
  )
  return {
    alive,
    running: alive.filter(t => t.lastStatus === 'RUNNING'),
    pending: alive.filter(t => t.lastStatus !== 'RUNNING')
  }
}

function taskList(tasks: TaskState[]): string {
  return tasks.map(t => `(task ${t.id})`).join(' ')
}

/** Tasks that failed on their own since the last tick: count them against their deployment. */
function countFailures(ecs: Ecs, service: Service, tasks: TaskState[], time: number): void {
  for (const task of tasks) {
    if (!task.failed || task.stoppingAt !== time || task.deploymentId === undefined) continue
    const deployment = service.deployments.find(d => d.id === task.deploymentId)
    if (!deployment) continue
    deployment.failedTasks++
    deployment.updatedAt = time
    service.steady = false
    const record = ecs.serviceDeployments.get(deployment.serviceDeploymentArn)
    if (record && deployment.status === 'PRIMARY' && record.circuitBreaker.status === 'MONITORING') {
      record.circuitBreaker.failureCount++
      record.updatedAt = time
    }
  }
}

function launch(ecs: Ecs, service: Service, deployment: Deployment, n: number, time: number): TaskState[] {
  const td = ecs.findTaskDefinition(deployment.taskDefinition)
  if (!td || n <= 0) return []
  const placement = ecs.scenario.placementFailure(ecs.matchTarget(td, service.name))
  if (placement) {
    const message = `(service ${service.name}) was unable to place a task because no container instance met all of its requirements. Reason: ${placement.reason ?? 'No Container Instances were found in your cluster.'} For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`
    const last = service.events.find(e => e.message === message)
    if (!last || time - last.createdAt >= REPEAT_MESSAGE_MS) ecs.event(service, message, time)
    return []
  }
  const started: TaskState[] = []
  for (let i = 0; i < n; i++)
    started.push(
      ecs.launchTask(service.cluster, td, time, {
        group: `service:${service.name}`,
        startedBy: deployment.id,
        service,
        deploymentId: deployment.id,
        launchType: deployment.launchType
      })
    )
  ecs.event(
    service,
    `${who(service, deployment)} has started ${started.length} tasks: ${taskList(started)}.`,
    time
  )
  deployment.updatedAt = time
  return started
}

/** How ECS names the actor in an event: `(service x)`, or `(service x, taskSet ecs-svc/…)` for task sets. */
function who(service: Service, deployment?: Deployment): string {
  return deployment?.taskSet
    ? `(service ${service.name}, taskSet ${deployment.id})`
    : `(service ${service.name})`
}

function stopTasks(
  ecs: Ecs,
  service: Service,
  tasks: TaskState[],
  time: number,
  reason: string,
  deployment?: Deployment
): void {
  if (tasks.length === 0) return
  const lbs = (service.settings.loadBalancers as { targetGroupArn?: string }[] | undefined) ?? []
  const running = tasks.filter(t => t.lastStatus === 'RUNNING')
  for (const t of tasks) ecs.stopTask(t, 'ServiceSchedulerInitiated', reason, time)
  if (running.length === 0) return
  if (lbs.length > 0) {
    ecs.event(
      service,
      `${who(service, deployment)} has begun draining connections on ${running.length} tasks.`,
      time
    )
    for (const lb of lbs)
      if (lb.targetGroupArn)
        ecs.event(
          service,
          `(service ${service.name}) deregistered ${running.length} targets in (target-group ${lb.targetGroupArn})`,
          time
        )
  }
  ecs.event(
    service,
    `${who(service, deployment)} has stopped ${running.length} running tasks: ${taskList(running)}.`,
    time
  )
}

function loadBalancersOf(service: Service): { targetGroupArn?: string }[] {
  return (service.settings.loadBalancers as { targetGroupArn?: string }[] | undefined) ?? []
}

/** RUNNING and, behind a load balancer, passing its health checks. */
function isHealthy(task: TaskState, time: number): boolean {
  return task.lastStatus === 'RUNNING' && task.healthyAt !== undefined && task.healthyAt <= time
}

function percent(service: Service, key: 'maximumPercent' | 'minimumHealthyPercent'): number {
  const value = service.deploymentConfiguration[key]
  return typeof value === 'number' ? value : key === 'maximumPercent' ? 200 : 100
}

function scheduleRolling(ecs: Ecs, service: Service, time: number): void {
  const tasks = ecs.tasksOf(service)
  countFailures(ecs, service, tasks, time)
  // Native (blue/green, linear, canary) service deployments move through their stages first.
  for (const r of ecs.serviceDeployments.values())
    if (
      r.native &&
      r.serviceKey === service.key &&
      (r.status === 'IN_PROGRESS' || r.status === 'ROLLBACK_IN_PROGRESS')
    )
      stepNative(ecs, service, r, time)
  const primary = service.deployments.find(d => d.status === 'PRIMARY')
  if (!primary) return
  const desired = service.status === 'ACTIVE' ? service.desiredCount : 0
  primary.desiredCount = desired
  const record = ecs.serviceDeployments.get(primary.serviceDeploymentArn)

  // Circuit breaker.
  const cb = ecs.circuitBreaker(service)
  if (
    cb.enable &&
    primary.rolloutState === 'IN_PROGRESS' &&
    primary.failedTasks >= failureThreshold(desired)
  ) {
    tripCircuitBreaker(ecs, service, primary, cb.rollback, time)
    return
  }

  const hold = holdsBlue(record)
  const olds = service.deployments.filter(d => d !== primary && d.status === 'ACTIVE')
  // Blue/green holds the blue revision (the one production traffic is on) until CLEAN_UP; a green revision a
  // newer deployment superseded is reconciled away (RECONCILE_SERVICE) like any old deployment.
  const blueId = record?.native?.blueDeploymentId ?? service.lastCompleted?.deploymentId
  const held = (d: { id: string }) => hold && (blueId === undefined || d.id === blueId)
  for (const d of olds) if (!held(d)) d.desiredCount = 0
  // Blue/green runs the green revision beside the whole blue one.
  const maxTotal = record?.native
    ? desired * 2
    : Math.floor((desired * percent(service, 'maximumPercent')) / 100)
  const minHealthy = Math.ceil((desired * percent(service, 'minimumHealthyPercent')) / 100)

  // Old deployments: pending tasks go at once; running ones while enough healthy tasks remain (behind a load
  // balancer, a new task counts only once it passes the target group's health checks).
  const all = counts(tasks)
  let healthy = all.running.filter(t => isHealthy(t, time)).length
  const toStop: TaskState[] = []
  for (const old of [...olds].reverse().filter(d => !held(d))) {
    const c = counts(tasks, old)
    toStop.push(...c.pending)
    for (const t of c.running) {
      if (isHealthy(t, time)) {
        if (healthy - 1 < minHealthy && desired !== 0) break
        healthy--
      }
      toStop.push(t)
    }
  }
  // Scale in the primary when it has more than wanted.
  const mine = counts(tasks, primary)
  let excess = mine.alive.length - desired
  for (const t of [...mine.pending, ...mine.running]) {
    if (excess <= 0) break
    toStop.push(t)
    excess--
  }
  if (toStop.length > 0) {
    stopTasks(ecs, service, toStop, time, `Scaling activity initiated by (deployment ${primary.id})`)
    service.steady = false
  }

  // Start primary tasks up to maximumPercent.
  if (!primary.halted && service.status === 'ACTIVE' && launchesGreen(record)) {
    const alive = counts(tasks).alive.filter(t => !toStop.includes(t)).length
    const room = Math.max(maxTotal, desired > 0 ? 1 : 0) - alive
    const need = desired - mine.alive.length
    const n = Math.min(room, need)
    if (n > 0) {
      launch(ecs, service, primary, n, time)
      service.steady = false
    }
  }

  // Drained deployments disappear.
  const after = ecs.tasksOf(service)
  for (const old of olds) {
    if (after.some(t => t.deploymentId === old.id && t.lastStatus !== 'STOPPED')) continue
    old.status = 'INACTIVE'
    service.deployments = service.deployments.filter(d => d !== old)
  }

  // Completion and steady state.
  const now = counts(after, primary)
  const stableSince = time - ecs.scenario.stableSeconds * 1000
  const settled =
    service.deployments.length === 1 &&
    now.running.length === desired &&
    now.pending.length === 0 &&
    now.running.every(t => (t.startedAt ?? 0) <= stableSince && isHealthy(t, time))
  if (settled && primary.rolloutState === 'IN_PROGRESS' && nativeDone(record)) {
    primary.rolloutState = 'COMPLETED'
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`
    primary.updatedAt = time
    ecs.event(service, `(service ${service.name}) (deployment ${primary.id}) deployment completed.`, time)
    service.lastCompleted = {
      deploymentId: primary.id,
      taskDefinition: primary.taskDefinition,
      serviceRevisionArn: primary.serviceRevisionArn
    }
    if (record) {
      record.status = record.status === 'ROLLBACK_IN_PROGRESS' ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL'
      record.finishedAt = time
      record.updatedAt = time
      if (record.circuitBreaker.status === 'MONITORING') record.circuitBreaker.status = 'MONITORING_COMPLETE'
    }
  }
  if (settled && !service.steady) {
    service.steady = true
    ecs.event(service, `(service ${service.name}) has reached a steady state.`, time)
  }
}

function tripCircuitBreaker(
  ecs: Ecs,
  service: Service,
  primary: Deployment,
  rollback: boolean,
  time: number
): void {
  primary.rolloutState = 'FAILED'
  primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.'
  primary.updatedAt = time
  service.steady = false
  ecs.event(
    service,
    `(service ${service.name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`,
    time
  )
  const record = ecs.serviceDeployments.get(primary.serviceDeploymentArn)
  if (record) {
    record.circuitBreaker.status = 'TRIGGERED'
    record.updatedAt = time
  }
  const previous = service.lastCompleted
  if (rollback && previous && previous.taskDefinition !== primary.taskDefinition) {
    if (record) {
      record.status = 'ROLLBACK_IN_PROGRESS'
      record.statusReason = 'ECS deployment circuit breaker: tasks failed to start.'
      record.rollback = {
        reason: 'ECS deployment circuit breaker: tasks failed to start.',
        startedAt: time,
        serviceRevisionArn: previous.serviceRevisionArn
      }
    }
    if (record)
      ecs.startDeployment(service, previous.taskDefinition, time, {
        reason: 'rollback',
        record,
        from: previous.deploymentId
      })
    return
  }
  primary.halted = true
  if (record) {
    record.status = rollback ? 'ROLLBACK_FAILED' : 'STOPPED'
    record.statusReason = 'ECS deployment circuit breaker: tasks failed to start.'
    record.stoppedAt = time
    record.finishedAt = time
  }
}

/** CODE_DEPLOY services: each task set keeps ceil(desired × scale%) tasks; CodeDeploy moves the scales. */
function scheduleTaskSets(ecs: Ecs, service: Service, time: number): void {
  const tasks = ecs.tasksOf(service)
  countFailures(ecs, service, tasks, time)
  for (const d of service.deployments) {
    const ts = d.taskSet
    if (!ts) continue
    const want = service.status === 'ACTIVE' ? Math.ceil((service.desiredCount * ts.scale) / 100) : 0
    const c = counts(tasks, d)
    if (c.alive.length > want) {
      stopTasks(
        ecs,
        service,
        [...c.pending, ...c.running].slice(0, c.alive.length - want),
        time,
        `Scaling activity initiated by (deployment ${d.id})`,
        d
      )
      service.steady = false
    } else if (c.alive.length < want) {
      launch(ecs, service, d, want - c.alive.length, time)
      service.steady = false
    }
  }
  const after = ecs.tasksOf(service)
  const settled = service.deployments.every(d => {
    const c = counts(after, d)
    const want = Math.ceil((service.desiredCount * (d.taskSet?.scale ?? 0)) / 100)
    return c.running.length === want && c.pending.length === 0
  })
  if (settled && service.deployments.length === 1 && !service.steady) {
    service.steady = true
    ecs.event(service, `(service ${service.name}) has reached a steady state.`, time)
  }
}
