// A blue/green deploy cancelled by the runner's signal, through dist/index.js on the emulator at 60x.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
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

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster(CLUSTER)
  const old = emulator.seedTaskDefinition(taskDefinition('web:1.0'))
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
    taskDefinition: old,
    desiredCount: 2,
    ...service
  })
  emulator.codedeploy.createApplication(APP)
  emulator.codedeploy.createDeploymentGroup(groupParams({ autoRollback: ['DEPLOYMENT_FAILURE'] }))
  // The test-traffic hook runs 10 emulated minutes: the signal comes while the step waits.
  emulator.codedeploy.hookSeconds(600)
  emulator.clearLog()
  dir = await mkdtemp(join(tmpdir(), 'cancel-bluegreen-'))
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
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' },
    signal: { after: /deployment d-\w+: InProgress/, send: ['SIGINT'] }
  })

describe('blue/green cancelled by SIGINT', () => {
  it('with DEPLOYMENT_STOP_ON_REQUEST: StopDeployment with rollback, status cancelled, non-zero exit', async () => {
    const result = await run({ 'rollback-events': 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(result.outputs['registered-task-definition-arn']).toMatch(/task-definition\/web:2$/)
    const stops = emulator.calls('StopDeployment')
    expect(stops.map(s => s.params)).toEqual([
      { deploymentId: result.outputs['codedeploy-deployment-id'], autoRollbackEnabled: true }
    ])
    expect(result.errors[0]).toMatch(/cancelled by SIGINT; StopDeployment with rollback was sent/)
    expect(result.summary).toContain('Blue/green deployment cancelled')
  })

  it('without it: no StopDeployment, and the summary says the deployment continues', async () => {
    const result = await run({ 'rollback-events': 'DEPLOYMENT_FAILURE' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(emulator.calls('StopDeployment')).toEqual([])
    expect(result.errors[0]).toMatch(/continues in CodeDeploy/)
  })
})
