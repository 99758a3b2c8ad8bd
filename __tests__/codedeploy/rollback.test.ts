// CodeDeploy rolls back with a deployment of its own. `rolled-back` only once that deployment succeeded (read,
// not assumed); still running when the timeout comes, `rolling-back`; failed, `failed`. Virtual clock.
import { describe, expect, it } from '@jest/globals'
import { deployWithCodeDeploy } from '../../src/codedeploy/index.js'
import { blueGreenWorldPerTest, context, live, writeProject, type World } from './harness.js'

const newWorld = blueGreenWorldPerTest()

const HOOKS = { config: 'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: web-smoke-test' }

async function failingDeploy(timeoutMs: number, setUp: (w: World) => void = () => undefined) {
  const w = await newWorld()
  w.emulator.codedeploy.failHook('AfterAllowTestTraffic', {
    message: 'smoke test: GET /healthz returned 503'
  })
  setUp(w)
  const { ctx, log } = context(w, { rollbackEvents: ['DEPLOYMENT_FAILURE'], timeoutMs })
  const result = await deployWithCodeDeploy({
    ctx,
    project: await writeProject(HOOKS),
    live: await live(w),
    taskDefinitionArn: w.newArn,
    clients: w.clients
  })
  const ours = result.outputs['deployment-id']!
  const got = await w.clients.codedeploy()
  const { GetDeploymentCommand } = await import('@aws-sdk/client-codedeploy')
  const rollbackId = (await got.send(new GetDeploymentCommand({ deploymentId: ours }))).deploymentInfo!
    .rollbackInfo!.rollbackDeploymentId!
  const rollbackNow = (await got.send(new GetDeploymentCommand({ deploymentId: rollbackId }))).deploymentInfo!
  const reads = w.emulator.calls('GetDeployment').filter(c => c.params.deploymentId === rollbackId)
  return { w, result, log, rollbackId, rollbackNow, reads }
}

describe('a CodeDeploy rollback, followed to its end', () => {
  it('is rolled-back only after its rollback deployment was read as Succeeded', async () => {
    const { result, rollbackId, rollbackNow, reads, w } = await failingDeploy(30 * 60_000, x =>
      x.emulator.codedeploy.rollbackSeconds(60)
    )
    expect(result.status).toBe('rolled-back')
    expect(rollbackNow.status).toBe('Succeeded')
    // Read until it said Succeeded (the last read of it, before this test's own, was the action's).
    expect(reads.length).toBeGreaterThanOrEqual(3)
    expect(result.failure).toMatch(new RegExp(`; rolled back by deployment ${rollbackId}$`))
    expect(result.outputs['task-definition-arn']).toBe(w.oldArn)
    expect(result.summary).toContain(
      `**Cause:** AfterAllowTestTraffic (hook web-smoke-test) failed: smoke test: GET /healthz returned 503; rollback deployment ${rollbackId}: Succeeded`
    )
  })

  it('is rolling-back when the timeout comes before the rollback deployment ends', async () => {
    const { result, rollbackId, rollbackNow, w } = await failingDeploy(5 * 60_000, x =>
      x.emulator.codedeploy.rollbackSeconds(3600)
    )
    expect(result.status).toBe('rolling-back')
    expect(rollbackNow.status).toBe('InProgress')
    expect(result.failure).toContain(
      `CodeDeploy is still rolling back (deployment ${rollbackId} is InProgress)`
    )
    expect(result.outputs.status).toBe('rolling-back')
    expect(result.outputs['task-definition-arn']).toBe(w.oldArn)
    expect(result.summary).toContain('CodeDeploy is still rolling back')
  })

  it('is failed when the rollback deployment fails, naming it', async () => {
    const { result, rollbackId, rollbackNow } = await failingDeploy(30 * 60_000, x =>
      x.emulator.codedeploy.failRollback({ message: 'the original task set did not come back' })
    )
    expect(rollbackNow.status).toBe('Failed')
    expect(result.status).toBe('failed')
    expect(result.failure).toContain(
      `the rollback deployment ${rollbackId} failed: the original task set did not come back`
    )
  })
})
