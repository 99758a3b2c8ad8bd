// A CODE_DEPLOY service deployed by the bundled action, as the runner runs it, against the emulator at 60x.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import {
  APP,
  CLUSTER,
  GROUP,
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
let oldArn: string

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster(CLUSTER)
  oldArn = emulator.seedTaskDefinition(taskDefinition('web:1.0'))
  const service = {
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: network,
    loadBalancers,
    deploymentController: { type: 'CODE_DEPLOY' }
  }
  emulator.seedService({
    cluster: CLUSTER,
    serviceName: SERVICE,
    taskDefinition: oldArn,
    desiredCount: 2,
    ...service
  })
  emulator.codedeploy.createApplication(APP)
  emulator.codedeploy.createDeploymentGroup(groupParams({ autoRollback: ['DEPLOYMENT_FAILURE'] }))
  emulator.clearLog()
  dir = await mkdtemp(join(tmpdir(), 'bluegreen-action-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    `region: us-east-1\ncluster: ${CLUSTER}\nservice: ${SERVICE}\ntask_definition: td.json\nservice_definition: sd.json\nappspec:\n  Hooks:\n    - AfterAllowTestTraffic: web-smoke-test\n`
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(taskDefinition('web:{{ must_env `IMAGE_TAG` }}')))
  await writeFile(join(dir, 'sd.json'), JSON.stringify({ ...service, desiredCount: 2 }))
})

afterEach(async () => {
  await emulator.close()
})

const run = (inputs: Record<string, string>) =>
  runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), 'image-tag': '2.0', ...inputs },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })

describe('blue/green through dist/index.js', () => {
  it('finds the group, sends the AppSpec with the hook, and waits for Succeeded', async () => {
    const result = await run({ 'rollback-events': 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.outputs['codedeploy-deployment-id']).toMatch(/^d-[A-Z0-9]+$/)
    expect(result.outputs['deployment-id']).toBe(result.outputs['codedeploy-deployment-id'])
    expect(result.outputs['previous-task-definition-arn']).toBe(oldArn)
    const [create] = emulator.calls('CreateDeployment')
    expect(create!.params).toMatchObject({
      applicationName: APP,
      deploymentGroupName: GROUP,
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST']
      }
    })
    const appSpec = (create!.params.revision as { appSpecContent: { content: string } }).appSpecContent
      .content
    expect(appSpec).toContain(result.outputs['task-definition-arn']!)
    expect(appSpec).toContain('web-smoke-test')
    expect(emulator.calls('UpdateService').every(c => c.params.taskDefinition === undefined)).toBe(true)
    expect(result.summary).toContain('AfterAllowTraffic')
  })

  it('dry run shows the diff and the AppSpec a deploy would send, and writes nothing', async () => {
    const result = await run({ 'dry-run': 'true' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs['has-changes']).toBe('true')
    expect(result.summary).toContain('CodeDeploy blue/green')
    expect(result.summary).toContain(`${APP}/${GROUP}`)
    expect(emulator.writes()).toEqual([])
  })
})
