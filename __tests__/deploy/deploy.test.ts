import { describe, expect, it } from '@jest/globals'
import { runDeploy } from '../../src/commands/deploy.js'
import { DEPLOY_ID_TAG } from '../../src/ecs/task-definition.js'
import { ActionError } from '../../src/errors.js'
import type { Emulator } from '../../test/emulator/index.js'
import {
  context,
  emulatorForEachTest,
  network,
  project,
  seedSteadyWeb,
  serviceDefinition,
  taskDefinition
} from './harness.js'

let emulator: Emulator

emulatorForEachTest(e => (emulator = e))

const seedWeb = (extra: Record<string, unknown> = {}, desiredCount = 2): string =>
  seedSteadyWeb(emulator, extra, desiredCount)

const ops = (requests: readonly { operation: string }[]) => requests.map(r => r.operation)
const successfulWrites = () => emulator.writes().filter(r => r.fault === undefined && r.error === undefined)
const count = (operation: string) => emulator.calls(operation).filter(r => r.fault === undefined).length
const serviceNow = () =>
  emulator.describeService('prod', 'web') as { taskDefinition: string; deployments: unknown[] }

describe('deploy: rolling', () => {
  it('creates a missing service from the definition and waits for its deployment', async () => {
    const { ctx, log } = context(emulator)
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    expect(result.failure).toBeUndefined()
    expect(ops(successfulWrites())).toEqual(['RegisterTaskDefinition', 'CreateService'])
    const create = emulator.calls('CreateService')[0]!.params
    expect(create.clientToken).toMatch(/^[0-9a-f]{32}$/)
    expect(create.desiredCount).toBe(2)
    expect(result.outputs['task-definition-arn']).toMatch(/task-definition\/web:1$/)
    expect(result.outputs['previous-task-definition-arn']).toBeUndefined()
    expect(result.outputs['service-arn']).toMatch(/service\/prod\/web$/)
    expect(result.outputs['console-url']).toBe(
      'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/deployments?region=us-east-1'
    )
    expect(result.summary).toContain('(new service)')
    expect(log.lines.some(l => /running 2, pending 0, desired 2/.test(l))).toBe(true)
  })

  it('updates with one registration and one UpdateService, and waits for this deployment to complete', async () => {
    const old = seedWeb()
    const { ctx, log } = context(emulator)
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    expect(ops(successfulWrites())).toEqual(['RegisterTaskDefinition', 'UpdateService'])
    const update = emulator.calls('UpdateService')[0]!.params
    expect(update.taskDefinition).toMatch(/web:2$/)
    expect(update.desiredCount).toBe(2)
    expect(update.networkConfiguration).toEqual(network)
    expect(update).not.toHaveProperty('forceNewDeployment')
    const registered = emulator.calls('RegisterTaskDefinition')[0]!.params as { tags: { key: string }[] }
    expect(registered.tags.map(t => t.key)).toContain(DEPLOY_ID_TAG)
    expect(result.outputs['previous-task-definition-arn']).toBe(old)
    expect(result.outputs['task-definition-arn']).toMatch(/web:2$/)
    expect(result.outputs['deployment-id']).toMatch(/^ecs-svc\//)
    expect(serviceNow().taskDefinition).toMatch(/web:2$/)
    // Progress a person can follow: old draining, new coming up, elapsed time.
    expect(log.lines.some(l => /^\[\d+s\] web:1 old ACTIVE/.test(l))).toBe(true)
    expect(
      log.lines.some(l => /web:2 new PRIMARY: running 2, pending 0, desired 2 \(COMPLETED\)/.test(l))
    ).toBe(true)
    expect(result.summary).toContain('`web:1` → `web:2` (registered)')
    expect(result.summary).toContain('`nginx:1.26`')
    // A rollout of seconds gets the timeline table, and no chart.
    expect(result.summary).not.toContain('```mermaid')
    expect(result.summary).toContain('Timeline')
  })

  it('with force-new-deployment and skip-task-definition, starts a new deployment of the current revision', async () => {
    const old = seedWeb()
    const { ctx } = context(emulator, { forceNewDeployment: true, skipTaskDefinition: true })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    expect(ops(successfulWrites())).toEqual(['UpdateService'])
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({
      taskDefinition: old,
      forceNewDeployment: true
    })
    expect(result.outputs['task-definition-arn']).toBe(old)
  })

  it('with latest-task-definition deploys the family latest ACTIVE revision without registering', async () => {
    seedWeb()
    const latest = emulator.seedTaskDefinition(taskDefinition('nginx:1.28'))
    const { ctx } = context(emulator, { skipTaskDefinition: true, latestTaskDefinition: true })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    expect(ops(successfulWrites())).toEqual(['UpdateService'])
    expect(result.outputs['task-definition-arn']).toBe(latest)
  })

  it('keeps the current count for a service with an auto scaling target, clamped to its range', async () => {
    seedWeb({}, 5)
    emulator.autoscaling.registerScalableTarget({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/web',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 1,
      MaxCapacity: 4
    })
    const { ctx } = context(emulator)
    const result = await runDeploy(
      ctx,
      project({ serviceDefinition: serviceDefinition({ desiredCount: 2 }) })
    )
    expect(result.status).toBe('succeeded')
    expect(emulator.calls('UpdateService')[0]!.params.desiredCount).toBe(4)
    expect(result.summary).toContain('kept for Application Auto Scaling')
  })

  it('syncs service tags from the definition, leaving ignored keys alone', async () => {
    seedWeb({
      tags: [
        { key: 'team', value: 'a' },
        { key: 'old', value: 'x' },
        { key: 'managed', value: 'tf' }
      ]
    })
    const { ctx } = context(emulator)
    const result = await runDeploy(
      ctx,
      project({
        serviceDefinition: serviceDefinition({ tags: [{ key: 'team', value: 'b' }] }),
        config: { ignore: { tags: ['managed'] } }
      })
    )
    expect(result.status).toBe('succeeded')
    expect(emulator.calls('TagResource')[0]!.params.tags).toEqual([{ key: 'team', value: 'b' }])
    expect(emulator.calls('UntagResource')[0]!.params.tagKeys).toEqual(['old'])
  })

  it('follows a slow 30-minute rollout with at most 400 describe calls', async () => {
    seedWeb({ deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 } }, 6)
    emulator.scenario.taskStartSeconds(890)
    const { ctx } = context(emulator, { timeoutMs: 60 * 60_000 })
    const result = await runDeploy(
      ctx,
      project({ serviceDefinition: serviceDefinition({ desiredCount: 6 }) })
    )
    expect(result.status).toBe('succeeded')
    const minutes = (emulator.clock.now() - emulator.calls('UpdateService')[0]!.time) / 60_000
    expect(minutes).toBeGreaterThanOrEqual(25)
    const describes = count('DescribeServices') + count('DescribeServiceDeployments')
    expect(describes).toBeLessThanOrEqual(400)
    expect(count('RegisterTaskDefinition')).toBe(1)
    expect(count('UpdateService')).toBe(1)
  })
})

describe('deploy: failures', () => {
  it('reports a circuit breaker rollback with the stopped tasks and events', async () => {
    seedWeb({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } })
    emulator.scenario.failTasks({ image: 'nginx:1.27' }, { kind: 'cannot-pull' })
    const { ctx, log } = context(emulator)
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('rolled-back')
    expect(result.failure).toMatch(/deployment failed: ECS deployment circuit breaker/)
    expect(result.outputs['task-definition-arn']).toMatch(/web:1$/)
    expect(log.lines.some(l => /task \w+ stopped: CannotPullContainerError/.test(l))).toBe(true)
    expect(result.summary).toContain('### Stopped tasks')
    expect(result.summary).toContain('### Newest service events')
    expect(result.summary).toContain('Rolled back by the ECS deployment circuit breaker')
    expect(count('UpdateService')).toBe(1)
  })

  it('waits for the circuit breaker rollback to finish with DEPLOYMENT_FAILURE', async () => {
    const old = seedWeb({
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
    })
    emulator.scenario.failTasks({ image: 'nginx:1.27' }, { kind: 'cannot-pull' })
    const { ctx } = context(emulator, { rollbackEvents: ['DEPLOYMENT_FAILURE'] })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('rolled-back')
    expect(count('UpdateService')).toBe(1)
    const service = emulator.describeService('prod', 'web') as {
      taskDefinition: string
      deployments: { rolloutState: string }[]
    }
    expect(service.taskDefinition).toBe(old)
    expect(service.deployments.map(d => d.rolloutState)).toEqual(['COMPLETED'])
  })

  it('times out on tasks that never start without a circuit breaker, showing stopped reasons', async () => {
    seedWeb()
    emulator.scenario.failTasks(
      { image: 'nginx:1.27' },
      { kind: 'cannot-pull', message: 'CannotPullContainerError: no such image' }
    )
    const { ctx } = context(emulator, { timeoutMs: 5 * 60_000 })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('timed-out')
    expect(result.failure).toMatch(/timed out/)
    expect(result.summary).toContain('CannotPullContainerError: no such image')
    expect(result.summary).toContain('### Newest service events')
  })

  it('times out on a placement failure and shows the service events', async () => {
    seedWeb()
    emulator.scenario.placementFailure({ image: 'nginx:1.27' })
    const { ctx, log } = context(emulator, { timeoutMs: 3 * 60_000 })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('timed-out')
    expect(log.lines.some(l => /event: .*unable to place/i.test(l))).toBe(true)
    expect(result.summary).toMatch(/unable to place/i)
  })

  it('rolls back to the previous revision on timeout with DEPLOYMENT_FAILURE, and still fails', async () => {
    const old = seedWeb()
    emulator.scenario.placementFailure({ image: 'nginx:1.27' })
    const { ctx } = context(emulator, { timeoutMs: 3 * 60_000, rollbackEvents: ['DEPLOYMENT_FAILURE'] })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('rolled-back')
    expect(result.failure).toMatch(/timed out/)
    expect(ops(successfulWrites())).toEqual(['RegisterTaskDefinition', 'UpdateService', 'UpdateService'])
    expect(emulator.calls('UpdateService')[1]!.params.taskDefinition).toBe(old)
    expect(serviceNow().taskDefinition).toBe(old)
    expect(result.outputs['task-definition-arn']).toBe(old)
    expect(result.summary).toContain('### Rollback')
  })
})

describe('deploy: unreliable AWS', () => {
  it('registers once and updates once under throttling and 5xx on every call', async () => {
    seedWeb()
    emulator.faults.add({ kind: 'throttle', rate: 0.15, seed: 7 })
    emulator.faults.add({
      kind: 'server-error',
      operation: 'RegisterTaskDefinition',
      count: 1,
      when: 'after'
    })
    emulator.faults.add({ kind: 'server-error', operation: 'UpdateService', count: 1, when: 'after' })
    const { ctx } = context(emulator)
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    const families = emulator.describeService('prod', 'web') as { taskDefinition: string }
    expect(families.taskDefinition).toMatch(/web:2$/)
    // The first RegisterTaskDefinition and UpdateService took effect though their replies were 500s.
    const executed = (op: string) => emulator.calls(op).filter(r => r.fault !== 'throttle')
    expect(executed('RegisterTaskDefinition')).toHaveLength(1)
    expect(executed('UpdateService')).toHaveLength(1)
    expect(executed('UpdateService')[0]!.fault).toBe('server-error')
    expect(executed('RegisterTaskDefinition')[0]!.fault).toBe('server-error')
  })

  it('falls back to DescribeServices when service deployments are denied', async () => {
    seedWeb()
    for (const operation of ['DescribeServiceDeployments', 'ListServiceDeployments']) {
      emulator.faults.add({
        kind: 'error',
        operation,
        errorType: 'AccessDeniedException',
        message: 'denied',
        status: 400
      })
    }
    const { ctx, log } = context(emulator)
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    expect(log.lines.some(l => /service deployments cannot be read \(AccessDeniedException\)/.test(l))).toBe(
      true
    )
    // DescribeServices names the service deployment (currentServiceDeployment): one denied read, then no more.
    expect(emulator.calls('ListServiceDeployments')).toHaveLength(0)
    expect(emulator.calls('DescribeServiceDeployments')).toHaveLength(1)
  })

  it('uses DescribeServiceDeployments where allowed', async () => {
    seedWeb()
    const { ctx } = context(emulator)
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('succeeded')
    expect(count('DescribeServiceDeployments')).toBeGreaterThanOrEqual(1)
  })
})

describe('deploy: nothing written on bad input', () => {
  it('stops a CodeDeploy service without a deployment group before registering anything', async () => {
    seedWeb({ deploymentController: { type: 'CODE_DEPLOY' } })
    const { ctx } = context(emulator)
    await expect(runDeploy(ctx, project({}))).rejects.toThrow(/deployment group|load balancer/i)
    expect(emulator.writes()).toEqual([])
  })

  it('names a missing cluster', async () => {
    const { ctx } = context(emulator)
    const error = await runDeploy(ctx, project({ config: { cluster: 'nope' } })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe('cluster nope not found')
    expect(emulator.writes()).toEqual([])
  })

  it('a missing service without a service definition writes nothing', async () => {
    const { ctx } = context(emulator)
    await expect(runDeploy(ctx, project({ serviceDefinition: undefined }))).rejects.toThrow(/does not exist/)
    expect(emulator.writes()).toEqual([])
  })

  it('an AccessDenied read names the IAM action and writes nothing', async () => {
    seedWeb()
    emulator.faults.add({
      kind: 'error',
      operation: 'DescribeServices',
      errorType: 'AccessDeniedException',
      message: 'not authorized',
      status: 400
    })
    const { ctx } = context(emulator)
    const error = (await runDeploy(ctx, project({})).catch((e: unknown) => e)) as ActionError
    expect(error.message).toBe('DescribeServices: AccessDeniedException: not authorized')
    expect(error.hint).toMatch(/ecs:DescribeServices/)
    expect(emulator.writes()).toEqual([])
  })
})
