// A PAUSE lifecycle hook through dist/index.js on the emulator (60x): a deploy with wait-until: paused ends
// at the pause (status paused, its hook and stage as outputs); promote, in another process as a second job
// would run it, continues it to the end; rollback rolls it back; bad states are one error with no write.
import { afterEach, describe, it } from '@jest/globals'
import { runAgainst } from '../helpers/black-box.js'
import { expect } from '../helpers/expect.js'
import { pauseAt, startNative, writes, type NativeWorld } from '../native/harness.js'

let world: NativeWorld | undefined
afterEach(async () => {
  await world?.emulator.close()
  world = undefined
})

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const paused = {
  strategy: 'BLUE_GREEN',
  bakeTimeInMinutes: 1,
  lifecycleHooks: [pauseAt('POST_TEST_TRAFFIC_SHIFT')]
}

async function deployToPause(): Promise<{
  w: NativeWorld
  outputs: Record<string, string>
  summary: string
}> {
  const w = (world = await startNative('native-pause-', paused))
  const result = await runAgainst(w.emulator, w.dir, { 'image-tag': 'v2', 'wait-until': 'paused' })
  expect(result.exitCode, result.stdout).toBe(0)
  return { w, outputs: result.outputs, summary: result.summary }
}

describe('wait-until: paused, then promote', () => {
  it('the deploy ends paused with the hook and stage; promote in a second process completes it', async () => {
    const { w, outputs, summary } = await deployToPause()
    expect(outputs.status).toBe('paused')
    expect(outputs['hook-id']).toMatch(/^ecs-pause-/)
    expect(outputs['lifecycle-stage']).toBe('POST_TEST_TRAFFIC_SHIFT')
    expect(outputs['service-deployment-arn']).toMatch(/:service-deployment\/prod\/web\//)
    expect(summary).toContain('## ⏸️ Deploy web: paused')
    expect(summary).toMatch(
      /### Paused\n\nThe deployment waits at the PAUSE hook `ecs-pause-\w+` \(`POST_TEST_TRAFFIC_SHIFT`, on timeout: ROLLBACK\)/
    )
    // Still paused a while later: nothing continues it but promote.
    await new Promise(resolve => setTimeout(resolve, 1000))
    expect(writes(w.emulator)).toEqual(['RegisterTaskDefinition', 'UpdateService'])

    // The second job has only the config, and the first job's service-deployment-arn.
    const promote = await runAgainst(w.emulator, w.dir, {
      command: 'promote',
      'service-deployment-arn': outputs['service-deployment-arn']!
    })
    expect(promote.exitCode, promote.stdout).toBe(0)
    expect(promote.outputs.status).toBe('succeeded')
    expect(promote.outputs['task-definition-arn']).toBe(arn(2))
    expect(promote.outputs['previous-task-definition-arn']).toBe(arn(1))
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'ContinueServiceDeployment CONTINUE'
    ])
    expect(w.emulator.calls('ContinueServiceDeployment')[0]!.params).toEqual({
      serviceDeploymentArn: outputs['service-deployment-arn'],
      hookId: outputs['hook-id'],
      action: 'CONTINUE'
    })
    expect(promote.stdout).toMatch(/\] stage BAKE_TIME/)
    expect(promote.summary).toMatch(/## ✅ Promote web: succeeded/)
    expect(promote.summary).toMatch(/PAUSE: \*\*[^*]+\*\* \(CONTINUE: command: promote\)/)
  })

  it('promote with nothing paused (the deployment was promoted already) is one error, with no write', async () => {
    const { w, outputs } = await deployToPause()
    const first = await runAgainst(w.emulator, w.dir, { command: 'promote' })
    expect(first.outputs.status).toBe('succeeded')
    const again = await runAgainst(w.emulator, w.dir, {
      command: 'promote',
      'service-deployment-arn': outputs['service-deployment-arn']!
    })
    expect(again.exitCode).not.toBe(0)
    expect(again.errors).toHaveLength(1)
    expect(again.errors[0]).toMatch(
      /service deployment arn:\S+ is not in progress: there is nothing to promote/
    )
    expect(writes(w.emulator).filter(op => op.startsWith('Continue'))).toHaveLength(1)
  })

  it('rollback on a paused deployment: ContinueServiceDeployment ROLLBACK, followed to ROLLBACK_SUCCESSFUL', async () => {
    const { w, outputs } = await deployToPause()
    const rollback = await runAgainst(w.emulator, w.dir, { command: 'rollback', deregister: 'false' })
    expect(rollback.exitCode, rollback.stdout).toBe(0)
    expect(rollback.outputs.status).toBe('rolled-back')
    expect(rollback.outputs['task-definition-arn']).toBe(arn(1))
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'ContinueServiceDeployment ROLLBACK'
    ])
    expect(w.emulator.calls('ContinueServiceDeployment')[0]!.params).toMatchObject({
      hookId: outputs['hook-id']
    })
    expect((w.emulator.describeService('prod', 'web') as { taskDefinition: string }).taskDefinition).toBe(
      arn(1)
    )
  })
})

describe('rollback of an ECS-native service with nothing in progress', () => {
  async function promoted(): Promise<NativeWorld> {
    const { w, outputs } = await deployToPause()
    const promote = await runAgainst(w.emulator, w.dir, {
      command: 'promote',
      'service-deployment-arn': outputs['service-deployment-arn']!
    })
    expect(promote.outputs.status, promote.stdout).toBe('succeeded')
    return w
  }

  it('deploys the earlier revision through the lifecycle stages, answering its PAUSE hook CONTINUE', async () => {
    const w = await promoted()
    const rollback = await runAgainst(w.emulator, w.dir, { command: 'rollback', timeout: '30s' })
    expect(rollback.exitCode, rollback.stdout).toBe(0)
    expect(rollback.outputs.status).toBe('rolled-back')
    expect(rollback.outputs['task-definition-arn']).toBe(arn(1))
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'ContinueServiceDeployment CONTINUE',
      'UpdateService',
      'ContinueServiceDeployment CONTINUE',
      'DeregisterTaskDefinition'
    ])
    expect(rollback.summary).toContain('web:1 runs again (service deployment SUCCESSFUL)')
    expect(rollback.summary).toContain('PAUSE: **SUCCEEDED** (CONTINUE: command: rollback)')
  })

  it('with wait-until: paused it ends at the PAUSE hook, for teams that gate rollbacks too', async () => {
    const w = await promoted()
    const rollback = await runAgainst(w.emulator, w.dir, { command: 'rollback', 'wait-until': 'paused' })
    expect(rollback.exitCode, rollback.stdout).toBe(0)
    expect(rollback.outputs.status).toBe('paused')
    expect(rollback.outputs['hook-id']).toMatch(/^ecs-pause-/)
    expect(rollback.outputs['lifecycle-stage']).toBe('POST_TEST_TRAFFIC_SHIFT')
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'ContinueServiceDeployment CONTINUE',
      'UpdateService'
    ])
    // The gated rollback is promoted like any paused deployment.
    const promote = await runAgainst(w.emulator, w.dir, { command: 'promote' })
    expect(promote.outputs.status, promote.stdout).toBe('succeeded')
    expect(promote.outputs['task-definition-arn']).toBe(arn(1))
  })
})

describe('bad input for native deploys: one error, nothing written', () => {
  it('wait-until: paused on a service without a PAUSE hook', async () => {
    const w = (world = await startNative('native-bad-', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 }))
    const result = await runAgainst(w.emulator, w.dir, { 'image-tag': 'v2', 'wait-until': 'paused' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors[0]).toMatch(
      /wait-until: paused, but the service's BLUE_GREEN deployment has no PAUSE lifecycle hook/
    )
    expect(writes(w.emulator)).toEqual([])
  })

  it('promote on a rolling service', async () => {
    const w = (world = await startNative('native-bad-', { strategy: 'ROLLING' }))
    const result = await runAgainst(w.emulator, w.dir, { command: 'promote' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors[0]).toMatch(
      /command: promote continues an ECS-native .*; service web deploys rolling/
    )
    expect(writes(w.emulator)).toEqual([])
  })
})
