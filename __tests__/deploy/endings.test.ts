// Endings on the emulator's virtual clock. Superseded: another writer's UpdateService lands mid-rollout;
// whatever it deploys, even the revision we came from, it is someone else's deployment, not a rollback of ours.
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { runDeploy } from '../../src/commands/deploy.js'
import type { Emulator } from '../../test/emulator/index.js'
import { context, emulatorForEachTest, project, seedSteadyWeb, taskDefinition } from './harness.js'

let emulator: Emulator

emulatorForEachTest(e => (emulator = e))

/** A context whose clock lets `other` update the service once 20 emulated seconds have passed. */
function withOtherWriter(inputs: Parameters<typeof context>[1], other: () => Promise<void>) {
  const { ctx, log } = context(emulator, inputs)
  const start = emulator.clock.now()
  let fired = false
  const clock = {
    now: () => emulator.clock.now(),
    sleep: async (ms: number) => {
      await emulator.clock.advance(ms)
      if (!fired && emulator.clock.now() - start >= 20_000) {
        fired = true
        await other()
      }
    }
  }
  return { ctx: { ...ctx, clock }, log }
}

const client = () =>
  new ECSClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
const updates = () =>
  emulator
    .calls('UpdateService')
    .filter(c => c.fault === undefined && c.error === undefined)
    .map(c => String(c.params.taskDefinition).replace(/.*\//, ''))

describe('superseded mid-rollout', () => {
  it.each([
    ['another revision', 'web:2'],
    ['the revision we came from', 'web:1']
  ])('by %s: superseded, not rolled back, and no write of ours after it', async (_, revision) => {
    const old = seedSteadyWeb(emulator, {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
    })
    emulator.seedTaskDefinition(taskDefinition('nginx:9'))
    emulator.scenario.taskStableSeconds(300)
    const { ctx } = withOtherWriter({ rollbackEvents: ['DEPLOYMENT_FAILURE'] }, async () => {
      await client().send(
        new UpdateServiceCommand({
          cluster: 'prod',
          service: 'web',
          taskDefinition: revision === 'web:1' ? old : 'web:2'
        })
      )
    })
    const result = await runDeploy(ctx, project({}))
    expect(result.status).toBe('superseded')
    expect(result.failure).toMatch(/^superseded: deployment ecs-svc\/\d+ of web:\d took over from ours/)
    expect(result.summary).toContain('### Superseded')
    expect(result.summary).not.toMatch(/circuit breaker rolled/)
    expect(result.outputs['registered-task-definition-arn']).toMatch(/web:3$/)
    // Ours registered web:3 (web:2 was seeded for the other writer) and sent one update; the other writer one.
    expect(updates()).toEqual(['web:3', revision === 'web:1' ? 'web:1' : 'web:2'])
  })
})

describe('cancelled before the first write', () => {
  it('reports cancelled, nothing changed, and writes nothing', async () => {
    seedSteadyWeb(emulator)
    const { ctx } = context(emulator, { rollbackEvents: ['DEPLOYMENT_STOP_ON_REQUEST'] })
    const controller = new AbortController()
    controller.abort('SIGINT')
    const result = await runDeploy({ ...ctx, signal: controller.signal }, project({}))
    expect(result.status).toBe('cancelled')
    expect(result.failure).toBe('cancelled by SIGINT: nothing was changed')
    expect(result.outputs['task-definition-arn']).toMatch(/web:1$/)
    expect(emulator.writes()).toEqual([])
  })

  it('cancelled mid-rollout after ECS began rolling back: no rollback write of ours on top of it', async () => {
    seedSteadyWeb(emulator, {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
    })
    emulator.scenario.failTasks({ image: 'nginx:1.27' }, { kind: 'cannot-pull' })
    emulator.scenario.taskStableSeconds(600)
    const controller = new AbortController()
    const { ctx, log } = context(emulator, { rollbackEvents: ['DEPLOYMENT_STOP_ON_REQUEST'] })
    const clock = {
      now: () => emulator.clock.now(),
      sleep: async (ms: number) => {
        await emulator.clock.advance(ms)
        // Cancel once the step follows the circuit breaker's rollback.
        if (log.lines.some(l => l.includes('Waiting for the circuit breaker rollback')))
          controller.abort('SIGTERM')
      }
    }
    const result = await runDeploy({ ...ctx, clock, signal: controller.signal }, project({}))
    expect(result.status).toBe('cancelled')
    expect(result.failure).toMatch(
      /^cancelled by SIGTERM: rolling back to web:1 \(deployment ecs-svc\/\d+ started by ECS/
    )
    expect(updates()).toEqual(['web:2'])
  })
})
