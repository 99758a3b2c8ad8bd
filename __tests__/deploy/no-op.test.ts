// A no-op rolling deploy on the emulator's virtual clock: the live revision is reused only while it is ACTIVE.
import { DeregisterTaskDefinitionCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { runDeploy } from '../../src/commands/deploy.js'
import type { Emulator } from '../../test/emulator/index.js'
import { context, emulatorForEachTest, project, seedSteadyWeb, taskDefinition } from './harness.js'

let emulator: Emulator

emulatorForEachTest(e => (emulator = e))

// The seeded service runs nginx:1.26 with the harness's definitions; desiredCount 2 as the definition says.
const unchanged = () => project({ taskDefinition: taskDefinition('nginx:1.26') })
const writes = () => emulator.writes().map(r => r.operation)

describe('deploy: nothing changed', () => {
  it('reuses the live revision and sends no UpdateService', async () => {
    const live = seedSteadyWeb(emulator)
    const { ctx } = context(emulator)
    const result = await runDeploy(ctx, unchanged())
    expect(result.status).toBe('succeeded')
    expect(writes()).toEqual([])
    expect(result.outputs['task-definition-arn']).toBe(live)
    expect(result.outputs['has-changes']).toBe('false')
    expect(result.summary).toContain('Definitions unchanged')
  })

  it('registers again when the live revision was deregistered meanwhile', async () => {
    const live = seedSteadyWeb(emulator)
    const { ctx } = context(emulator)
    const ecs = await ctx.awsClients('us-east-1').ecs()
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: live }))
    emulator.clearLog()
    const result = await runDeploy(ctx, unchanged())
    expect(result.status).toBe('succeeded')
    expect(writes()).toEqual(['RegisterTaskDefinition', 'UpdateService'])
    expect(result.outputs['has-changes']).toBe('true')
  })
})
