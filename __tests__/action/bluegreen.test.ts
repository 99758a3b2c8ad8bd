// A CODE_DEPLOY service deployed by the bundled action, as the runner runs it, against the emulator at 60x.
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { APP, GROUP } from '../codedeploy/harness.js'
import { runAgainst, startBlueGreen } from '../helpers/black-box.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string
let oldArn: string

beforeEach(async () => {
  ;({ emulator, dir, oldArn } = await startBlueGreen('bluegreen-action-'))
})

afterEach(async () => {
  await emulator.close()
})

const run = (inputs: Record<string, string>) => runAgainst(emulator, dir, { 'image-tag': '2.0', ...inputs })

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
