// An ECS-native deploy that waits at a PAUSE hook (no wait-until: paused) when the runner cancels it or the
// timeout passes, through dist/index.js on the emulator (60x): what README's rollback-events table says.
import { DescribeServiceDeploymentsCommand, ECSClient } from '@aws-sdk/client-ecs'
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
const start = async () =>
  (world = await startNative('native-cancel-', {
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 1,
    lifecycleHooks: [pauseAt('POST_TEST_TRAFFIC_SHIFT')]
  }))
const atPause = { after: /the deployment waits at the PAUSE hook/, send: ['SIGINT'] as NodeJS.Signals[] }
describe('a deploy waiting at a PAUSE hook', () => {
  it('says so in the log and keeps waiting; cancelled with DEPLOYMENT_STOP_ON_REQUEST it stops its deployment with ROLLBACK', async () => {
    const w = await start()
    const result = await runAgainst(
      w.emulator,
      w.dir,
      { 'image-tag': 'v2', 'rollback-events': 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST' },
      { signal: atPause }
    )
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout).toMatch(
      /keeps waiting until it is continued \(command: promote in another job, or the console\)/
    )
    expect(result.outputs.status).toBe('cancelled')
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'StopServiceDeployment ROLLBACK'
    ])
    expect(result.errors[0]).toMatch(
      /^cancelled by SIGINT: rolling back to web:1 \(service deployment ROLLBACK_IN_PROGRESS, started by this step\)|^cancelled by SIGINT: rolled back by this step/
    )
    expect(result.msFromSignalToExit).toBeLessThan(2500)
    expect(result.summary).toContain(
      'Rollback by this step (StopServiceDeployment ROLLBACK (rollback-events)): sent; the step did not wait for it'
    )
  })

  it('cancelled without DEPLOYMENT_STOP_ON_REQUEST: nothing written, the deployment still waits at its hook', async () => {
    const w = await start()
    const result = await runAgainst(w.emulator, w.dir, { 'image-tag': 'v2' }, { signal: atPause })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(writes(w.emulator)).toEqual(['RegisterTaskDefinition', 'UpdateService'])
    expect(result.errors[0]).toMatch(
      /^cancelled by SIGINT: deployment \S+ of web:2 waits at the PAUSE hook ecs-pause-\S+ \(POST_TEST_TRAFFIC_SHIFT\) in ECS/
    )
    expect(result.outputs['service-deployment-arn']).toMatch(/service-deployment/)
  })

  it('times out at the pause; with DEPLOYMENT_FAILURE StopServiceDeployment ROLLBACK, followed to rolled-back', async () => {
    const w = await start()
    const result = await runAgainst(w.emulator, w.dir, {
      'image-tag': 'v2',
      timeout: '4s',
      'rollback-events': 'DEPLOYMENT_FAILURE'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(result.errors[0]).toMatch(
      /^deployment timed out: the service deployment did not finish within 4s \(it is at POST_TEST_TRAFFIC_SHIFT\); rolled back to web:1$/
    )
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'StopServiceDeployment ROLLBACK'
    ])
  })
})

describe('another deploy takes over while this one waits at its PAUSE hook', () => {
  it('reports superseded and writes nothing more, even with DEPLOYMENT_FAILURE', async () => {
    const w = await start()
    const a = runAgainst(w.emulator, w.dir, { 'image-tag': 'v2', 'rollback-events': 'DEPLOYMENT_FAILURE' })
    const ecs = new ECSClient({
      endpoint: w.emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
    })
    // A's deployment waits at its PAUSE hook before B starts.
    for (let i = 0; i < 400; i++) {
      const { service } = {
        service: w.emulator.describeService('prod', 'web') as { currentServiceDeployment?: string }
      }
      const arn = service.currentServiceDeployment
      const sd = arn
        ? (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
            .serviceDeployments?.[0]
        : undefined
      if (sd?.lifecycleHookDetails?.some(h => h.status === 'AWAITING_ACTION')) break
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const b = await runAgainst(
      w.emulator,
      w.dir,
      { 'image-tag': 'v3', 'wait-until': 'paused' },
      { env: { GITHUB_RUN_ID: '4343' } }
    )
    const result = await a
    expect(b.outputs.status, b.stdout).toBe('paused')
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('superseded')
    expect(result.errors[0]).toMatch(/^superseded: deployment \S+ of web:3 took over from ours/)
    expect(result.summary).toMatch(
      /### Superseded\n\nAnother deployment became PRIMARY: deployment `ecs-svc\/\d+` of `web:3`/
    )
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'RegisterTaskDefinition',
      'UpdateService'
    ])
  }, 90_000)
})
