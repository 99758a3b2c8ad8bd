// test-command at an ECS-native PAUSE hook after test traffic shifted, through dist/index.js on the emulator
// (60x): exit 0 continues the deployment, anything else rolls it back; the command gets the test endpoint.
import { afterEach, describe, it } from '@jest/globals'
import { runAgainst } from '../helpers/black-box.js'
import { expect } from '../helpers/expect.js'
import { loadBalancers, pauseAt, startNative, writes, type NativeWorld } from '../native/harness.js'

let world: NativeWorld | undefined
afterEach(async () => {
  await world?.emulator.close()
  world = undefined
})

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const start = async (stages = ['POST_TEST_TRAFFIC_SHIFT']) =>
  (world = await startNative('native-test-', {
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 1,
    lifecycleHooks: [pauseAt(...stages)]
  }))

describe('test-command at the native PAUSE hook', () => {
  it('exit 0: ContinueServiceDeployment CONTINUE, the deployment completes; the command saw the test listener rule', async () => {
    const w = await start()
    const result = await runAgainst(w.emulator, w.dir, {
      'image-tag': 'v2',
      'test-command': 'echo "testing $ECS_DEPLOY_TEST_LISTENER_RULE_ARN"'
    })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.outputs['task-definition-arn']).toBe(arn(2))
    expect(result.stdout).toContain(`testing ${loadBalancers[0]!.advancedConfiguration.testListenerRule}`)
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'ContinueServiceDeployment CONTINUE'
    ])
    expect(result.summary).toContain('### ✅ Test command passed')
    expect(result.summary).toMatch(/PAUSE: \*\*[^*]+\*\* \(CONTINUE: test-command exited 0\)/)
    expect(result.summary).toMatch(/test-command exited 0 at POST_TEST_TRAFFIC_SHIFT/)
  })

  it('exit 3: ContinueServiceDeployment ROLLBACK, followed to rolled-back; the failure names the command and the stage', async () => {
    const w = await start()
    const result = await runAgainst(w.emulator, w.dir, {
      'image-tag': 'v2',
      'test-command': 'echo broken; exit 3'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(result.errors[0]).toBe(
      'deployment failed: test-command exited 3 at the PAUSE hook at POST_TEST_TRAFFIC_SHIFT; rolled back to web:1'
    )
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'ContinueServiceDeployment ROLLBACK'
    ])
    expect(result.summary).toContain('### ❌ Test command failed')
    expect(result.summary).toContain('broken')
  })

  it('a service without a PAUSE hook at POST_TEST_TRAFFIC_SHIFT: one error before any write', async () => {
    const w = await start(['POST_SCALE_UP'])
    const result = await runAgainst(w.emulator, w.dir, { 'image-tag': 'v2', 'test-command': 'true' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /test-command runs at a PAUSE hook at POST_TEST_TRAFFIC_SHIFT, but the service's BLUE_GREEN deployment has none/
    )
    expect(writes(w.emulator)).toEqual([])
  })
})

describe('test-command cancelled at the native PAUSE hook', () => {
  it('with DEPLOYMENT_STOP_ON_REQUEST: the command is ended, StopServiceDeployment ROLLBACK, status cancelled', async () => {
    const w = await start()
    const result = await runAgainst(
      w.emulator,
      w.dir,
      {
        'image-tag': 'v2',
        'test-command': 'echo started; sleep 30',
        'rollback-events': 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST'
      },
      { signal: { after: /^started$/m, send: ['SIGINT'] } }
    )
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(writes(w.emulator)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
      'StopServiceDeployment ROLLBACK'
    ])
    expect(result.summary).toContain('### 🛑 Test command cancelled')
    expect(result.msFromSignalToExit).toBeLessThan(5000)
  })
})
