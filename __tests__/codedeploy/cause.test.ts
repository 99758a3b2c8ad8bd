// A blue/green deployment whose replacement tasks cannot start: the cause line names why they stopped,
// grouped with a count, and the failure line carries it. Virtual clock.
import { describe, expect, it } from '@jest/globals'
import { deployWithCodeDeploy } from '../../src/codedeploy/index.js'
import { blueGreenWorldPerTest, context, live, writeProject } from './harness.js'

const newWorld = blueGreenWorldPerTest()

const PULL = 'CannotPullContainerError: pull image manifest has been retried 7 time(s): web:2.0: not found'

describe('the cause of a failed blue/green deployment', () => {
  it('names why the replacement tasks stopped, with a count, under the headline and in the failure line', async () => {
    const w = await newWorld()
    w.emulator.scenario.failTasks({ image: 'web:2.0' }, { kind: 'cannot-pull', message: PULL })
    const { ctx } = context(w, { timeoutMs: 30 * 60_000 })
    const result = await deployWithCodeDeploy({
      ctx,
      project: await writeProject(),
      live: await live(w),
      taskDefinitionArn: w.newArn,
      clients: w.clients
    })
    expect(result.status).toBe('failed')
    const lines = result.summary.split('\n').filter(l => l.trim() !== '')
    expect(lines[0]).toMatch(/^## .*Blue\/green deployment failed: web$/)
    expect(lines[1]).toMatch(
      new RegExp(`^\\*\\*Cause:\\*\\* \\d+ tasks stopped: ${PULL.replace(/[()]/g, '\\$&')}$`)
    )
    expect(result.failure).toMatch(/; cause: \d+ tasks stopped: CannotPullContainerError/)
    expect(result.summary).toContain('### Stopped tasks')
  })
})
