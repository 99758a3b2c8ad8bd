// ECS-native blue/green, canary and linear deploys through dist/index.js on the emulator (60x real time):
// the watch follows the service deployment's lifecycle stages and hooks, and the outcome says what ECS did.
import { afterEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { blackBoxProject, runAgainst } from '../helpers/black-box.js'
import { webService, webTask } from '../helpers/fixtures.js'
import { expect } from '../helpers/expect.js'
import { LAMBDA, lambdaAt, loadBalancers, startNative, writes, type NativeWorld } from '../native/harness.js'

let world: NativeWorld | undefined
afterEach(async () => {
  await world?.emulator.close()
  world = undefined
})

const start = async (dc: Record<string, unknown>, config?: string) => {
  world = await startNative('native-deploy-', dc, config)
  return world
}
const deploy = (w: NativeWorld, inputs: Record<string, string> = {}) =>
  runAgainst(w.emulator, w.dir, { 'image-tag': 'v2', ...inputs })
const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const live = (emulator: Emulator) => emulator.describeService('prod', 'web') as { taskDefinition: string }

describe('ECS-native deploys', () => {
  it('BLUE_GREEN: follows the lifecycle stages to completion, with a stage timeline in log and summary', async () => {
    const w = await start({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 })
    const result = await deploy(w)
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.outputs['task-definition-arn']).toBe(arn(2))
    expect(result.outputs['service-deployment-arn']).toMatch(/:service-deployment\/prod\/web\//)
    expect(result.outputs['lifecycle-stage']).toBe('CLEAN_UP')
    expect(live(w.emulator).taskDefinition).toBe(arn(2))
    // Stages without work or hooks pass within one poll; these take time.
    for (const stage of ['SCALE_UP', 'BAKE_TIME', 'CLEAN_UP'])
      expect(result.stdout).toMatch(new RegExp(`\\] stage ${stage}`))
    expect(result.stdout).toMatch(/stage BAKE_TIME: both revisions run for 1m/)
    expect(result.summary).toContain('### Lifecycle stages')
    expect(result.summary).toMatch(/\| `BAKE_TIME` \| [^|]+ \| [12]s \|/)
    expect(writes(w.emulator)).toEqual(['RegisterTaskDefinition', 'UpdateService'])
  })

  it('CANARY with bake time: production traffic moves after the canary bake, then bake time', async () => {
    const w = await start({
      strategy: 'CANARY',
      bakeTimeInMinutes: 2,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 }
    })
    const result = await deploy(w)
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.stdout).toMatch(
      /stage PRODUCTION_TRAFFIC_SHIFT: production traffic moves to green \(CANARY: 10% of production traffic for 3m/
    )
    // The step's clock is real and the emulator's runs 60x: the canary bake holds PRODUCTION_TRAFFIC_SHIFT
    // 3 emulated minutes (3 s), bake time 2 (2 s).
    expect(result.summary).toMatch(/\| `PRODUCTION_TRAFFIC_SHIFT` \| [^|]+ \| [34]s \|/)
    expect(result.summary).toMatch(/\| `BAKE_TIME` \| [^|]+ \| [23]s \|/)
  })

  it('LINEAR: production traffic moves in steps, stepBakeTimeInMinutes apart', async () => {
    const w = await start({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
    })
    const result = await deploy(w)
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.stdout).toContain(
      'stage PRODUCTION_TRAFFIC_SHIFT: production traffic moves to green (LINEAR: production traffic in steps of 25%, 1m apart)'
    )
    // 25, 50, 75, 100: three waits of an emulated minute (1 s each).
    expect(result.summary).toMatch(/\| `PRODUCTION_TRAFFIC_SHIFT` \| [^|]+ \| [34]s \|/)
  })

  it('a Lambda hook answering FAILED: ECS rolls back, the failure names the hook and the stage', async () => {
    const w = await start({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [lambdaAt('POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT')]
    })
    // The hooks answer after 60 emulated seconds (1 s): every poll sees them.
    w.emulator.scenario.lambdaHookSeconds(60)
    w.emulator.scenario.answerHooks({
      hookTargetArn: LAMBDA,
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      answer: 'FAILED'
    })
    const result = await deploy(w, { 'rollback-events': 'DEPLOYMENT_FAILURE' })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(result.errors[0]).toBe(
      `deployment failed: the Lambda hook ${LAMBDA} at POST_TEST_TRAFFIC_SHIFT answered FAILED; rolled back to web:1`
    )
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    expect(live(w.emulator).taskDefinition).toBe(arn(1))
    expect(result.stdout).toContain(`the Lambda hook ${LAMBDA} at POST_SCALE_UP answered SUCCEEDED`)
    expect(result.summary).toMatch(/Lambda `arn:aws:lambda[^`]+`: \*\*FAILED\*\*/)
    expect(result.summary).toContain('Rollback by ECS: completed')
    // ECS rolled back itself: the step sent no rollback of its own.
    expect(writes(w.emulator)).toEqual(['RegisterTaskDefinition', 'UpdateService'])
  })
})

describe('a new ECS-native service', () => {
  it('CreateService, then its first deployment is followed through its stages', async () => {
    const w = await start({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 })
    const dir = await blackBoxProject({
      prefix: 'native-create-',
      config: 'timeout: 5m\n',
      taskDefinition: webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
      serviceDefinition: webService({
        loadBalancers,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 }
      })
    })
    await writeFile(
      join(dir, 'ecspresso.yml'),
      (await readFile(join(dir, 'ecspresso.yml'), 'utf8')).replace('service: web', 'service: api')
    )
    const result = await runAgainst(w.emulator, dir, { 'image-tag': 'v2' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.stdout).toContain('ECS-native BLUE_GREEN deployment')
    expect(result.stdout).toMatch(/\] stage CLEAN_UP/)
    expect(writes(w.emulator)).toEqual(['RegisterTaskDefinition', 'CreateService'])
  })
})

describe('ECS-native dry run', () => {
  it('shows the strategy, bake time, canary step, hooks and what would pause; writes nothing', async () => {
    const w = await start({
      strategy: 'CANARY',
      bakeTimeInMinutes: 5,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
      lifecycleHooks: [
        lambdaAt('POST_SCALE_UP'),
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60 }
        }
      ]
    })
    const result = await deploy(w, { 'dry-run': 'true', 'wait-until': 'paused' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('dry-run')
    expect(result.summary).toContain('### ECS-native deployment')
    expect(result.summary).toContain(
      'CANARY; 10% of production traffic for 3m, then all of it; bake time 5m.'
    )
    expect(result.summary).toContain(`| Lambda \`${LAMBDA}\` | \`POST_SCALE_UP\` | 1440m, then ROLLBACK |`)
    expect(result.summary).toContain('| PAUSE | `POST_TEST_TRAFFIC_SHIFT` | 60m, then ROLLBACK |')
    expect(result.summary).toContain(
      'A deploy would pause at `POST_TEST_TRAFFIC_SHIFT`; with `wait-until: paused` the step ends there'
    )
    expect(result.stdout).toContain('ECS-native deployment: CANARY; 10% of production traffic for 3m')
    expect(writes(w.emulator)).toEqual([])
  })
})
