// CodeDeploy checked on its own, through dist/index.js against the emulator at 60x: a deployment already
// running for the group stops the deploy before its first write (and the dry run says so), and a rollback
// is followed to its end before the step says rolled-back.
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { APP, GROUP } from '../codedeploy/harness.js'
import { runAgainst, startBlueGreen } from '../helpers/black-box.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let codedeploy: CodeDeployClient
let dir: string
let oldArn: string

beforeEach(async () => {
  ;({ emulator, dir, oldArn } = await startBlueGreen('bluegreen-checks-'))
  codedeploy = new CodeDeployClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
})

afterEach(async () => {
  codedeploy.destroy()
  await emulator.close()
})

const run = (inputs: Record<string, string>) => runAgainst(emulator, dir, { 'image-tag': '2.0', ...inputs })

/** Someone else's deployment, held in its AfterAllowTestTraffic hook for an emulated hour. */
async function otherDeploymentInProgress(): Promise<string> {
  emulator.codedeploy.hookSeconds(3600)
  const appSpec = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: oldArn,
            LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 }
          }
        }
      }
    ],
    Hooks: [{ AfterAllowTestTraffic: 'someone-elses-hook' }]
  })
  const { deploymentId } = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: GROUP,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } }
    })
  )
  emulator.clearLog()
  return deploymentId!
}

describe('CodeDeploy checks through dist/index.js', () => {
  it('another deployment in progress with codedeploy-in-progress: fail stops the deploy before any write', async () => {
    const other = await otherDeploymentInProgress()
    const result = await run({ 'codedeploy-in-progress': 'fail' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(
      `deployment ${other} of CodeDeploy deployment group ${APP}/${GROUP} is still`
    )
    expect(result.errors[0]).toContain('nothing was changed')
    // No task definition registered, no service update, no deployment: not a single write.
    expect(emulator.writes()).toEqual([])
    expect(result.summary).toContain('nothing was changed')
  })

  it('the dry run says a deployment is already in progress for the group, and what a deploy would do', async () => {
    const other = await otherDeploymentInProgress()
    const result = await run({ 'dry-run': 'true' })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('dry-run')
    expect(result.summary).toContain(
      `| In progress | ⚠️ deployment ${other} is already InProgress for this deployment group: a deploy now would fail before any write (codedeploy-in-progress: fail) |`
    )
    expect(result.stdout).toContain(
      `::warning::deployment ${other} is already InProgress for this deployment group`
    )
    expect(emulator.writes()).toEqual([])
  })

  it('a failed deployment is rolled-back only once CodeDeploy’s rollback deployment succeeded', async () => {
    emulator.codedeploy.failHook('AfterAllowTestTraffic', { message: 'smoke test failed' })
    emulator.codedeploy.rollbackSeconds(60)
    const result = await run({ 'rollback-events': 'DEPLOYMENT_FAILURE' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    const ours = result.outputs['codedeploy-deployment-id']!
    const rollbackId = (await codedeploy.send(new GetDeploymentCommand({ deploymentId: ours })))
      .deploymentInfo!.rollbackInfo!.rollbackDeploymentId!
    expect(result.stdout).toContain(`rollback deployment ${rollbackId}: Succeeded`)
    expect(result.errors[0]).toContain(`rolled back by deployment ${rollbackId}`)
    expect(result.outputs['task-definition-arn']).toBe(oldArn)
  })

  it('a rollback still running when the timeout comes is reported rolling-back, and fails the step', async () => {
    emulator.codedeploy.failHook('AfterAllowTestTraffic', { message: 'smoke test failed' })
    emulator.codedeploy.rollbackSeconds(3600)
    // 3 real seconds are 3 emulated minutes; the rollback takes an emulated hour.
    const result = await run({ 'rollback-events': 'DEPLOYMENT_FAILURE', timeout: '3s' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('rolling-back')
    expect(result.errors[0]).toContain('CodeDeploy is still rolling back')
    expect(result.summary).toContain('CodeDeploy is still rolling back')
  })
})
