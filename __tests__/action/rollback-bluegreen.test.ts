// `command: rollback` of a CODE_DEPLOY service through dist/index.js on the emulator (60x): a CodeDeploy
// deployment running is stopped with auto-rollback; with none, the previous revision is deployed blue/green.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import {
  APP,
  CLUSTER,
  groupParams,
  loadBalancers,
  network,
  SERVICE,
  taskDefinition
} from '../codedeploy/harness.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string
const arn = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`
const service = {
  launchType: 'FARGATE',
  platformVersion: 'LATEST',
  networkConfiguration: network,
  loadBalancers,
  deploymentController: { type: 'CODE_DEPLOY' }
}

async function setup(running: number, readyWaitMinutes?: number): Promise<void> {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster(CLUSTER)
  for (let i = 1; i <= 2; i++) emulator.seedTaskDefinition(taskDefinition(`web:${i}.0`))
  emulator.seedService({
    cluster: CLUSTER,
    serviceName: SERVICE,
    taskDefinition: arn(running),
    desiredCount: 2,
    ...service
  })
  emulator.codedeploy.createApplication(APP)
  emulator.codedeploy.createDeploymentGroup(
    groupParams({
      autoRollback: ['DEPLOYMENT_FAILURE'],
      ...(readyWaitMinutes === undefined ? {} : { readyWaitMinutes })
    })
  )
  dir = await mkdtemp(join(tmpdir(), 'rollback-bluegreen-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    `region: us-east-1\ncluster: ${CLUSTER}\nservice: ${SERVICE}\ntask_definition: td.json\nservice_definition: sd.json\n`
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(taskDefinition('web:{{ must_env `IMAGE_TAG` }}')))
  await writeFile(join(dir, 'sd.json'), JSON.stringify({ ...service, desiredCount: 2 }))
  emulator.clearLog()
}

afterEach(async () => {
  await emulator.close()
})

const run = (inputs: Record<string, string>) =>
  runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), ...inputs },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })

describe('command: rollback (CodeDeploy blue/green)', () => {
  it('without a deployment running: a blue/green deployment of the previous revision', async () => {
    await setup(2)
    const result = await run({ command: 'rollback' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    expect(result.outputs['codedeploy-deployment-id']).toMatch(/^d-/)
    const [create] = emulator.calls('CreateDeployment')
    const appSpec = (create!.params.revision as { appSpecContent: { content: string } }).appSpecContent
      .content
    expect(appSpec).toContain(arn(1))
    // The rollback changes the task definition only: no service settings, no tags, then the deregistration.
    expect(emulator.writes().map(w => w.operation)).toEqual(['CreateDeployment', 'DeregisterTaskDefinition'])
    expect(emulator.calls('DeregisterTaskDefinition')[0]!.params).toEqual({ taskDefinition: arn(2) })
  })

  it('with a CodeDeploy deployment running: StopDeployment with auto-rollback, followed to its end', async () => {
    await setup(1, 60)
    // A deploy of web:2.0 that waits in Ready for rerouting (60 minutes), not waited for.
    const deploy = await run({ 'image-tag': '3.0', wait: 'false' })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    const deployed = deploy.outputs['registered-task-definition-arn']!
    expect(deployed).toBe(arn(3))
    emulator.clearLog()
    const result = await run({ command: 'rollback' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(emulator.calls('StopDeployment')[0]!.params).toEqual({
      deploymentId: deploy.outputs['codedeploy-deployment-id'],
      autoRollbackEnabled: true
    })
    expect(result.outputs['task-definition-arn']).toBe(arn(1))
    // The revision rolled back from is the one the stopped deployment deployed (from its AppSpec).
    expect(emulator.calls('DeregisterTaskDefinition')[0]!.params).toEqual({ taskDefinition: deployed })
    expect(emulator.calls('CreateDeployment')).toHaveLength(0)
  })

  it('dry-run names the deployment it would stop and writes nothing', async () => {
    await setup(1, 60)
    const deploy = await run({ 'image-tag': '3.0', wait: 'false' })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    emulator.clearLog()
    const result = await run({ command: 'rollback', 'dry-run': 'true' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('dry-run')
    expect(result.summary).toContain(
      `StopDeployment with auto-rollback of CodeDeploy deployment ${deploy.outputs['codedeploy-deployment-id']}`
    )
    expect(emulator.writes()).toEqual([])
  })
})
