// A blue/green deploy cancelled by the runner's signal, through dist/index.js on the emulator at 60x.
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import { runAgainst, startBlueGreen } from '../helpers/black-box.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

beforeEach(async () => {
  ;({ emulator, dir } = await startBlueGreen('cancel-bluegreen-'))
  // The test-traffic hook runs 10 emulated minutes: the signal comes while the step waits.
  emulator.codedeploy.hookSeconds(600)
})

afterEach(async () => {
  await emulator.close()
})

const run = (inputs: Record<string, string>) =>
  runAgainst(
    emulator,
    dir,
    { 'image-tag': '2.0', ...inputs },
    { signal: { after: /deployment d-\w+: InProgress/, send: ['SIGINT'] } }
  )

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
