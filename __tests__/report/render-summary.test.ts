import { describe, it } from '@jest/globals'
import { memoryLogger } from '../../src/log.js'
import { loadProject } from '../../src/project.js'
import { renderSummary } from '../../src/report/render.js'
import { expect } from '../helpers/expect.js'

describe('the render summary shows what was rendered', () => {
  it("the task's size, and containers without cpu units as sharing it (not a bare 0)", async () => {
    const project = await loadProject({
      configPath: 'examples/rolling/ecspresso.yml',
      env: { IMAGE_TAG: 'v1' },
      log: memoryLogger()
    })
    const summary = renderSummary(project, [])
    expect(summary).toContain('| Task size | cpu 256 (0.25 vCPU), memory 512 MiB |')
    expect(summary).toContain(
      "| `app` | `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1` | — (shares the task's) | — | 2 | 1 |"
    )
  })

  it('container cpu 0 and memory in MiB, task size as written when it is not a number', async () => {
    const base = await loadProject({
      configPath: 'examples/rolling/ecspresso.yml',
      env: { IMAGE_TAG: 'v1' },
      log: memoryLogger()
    })
    const task = base.taskDefinition!
    const summary = renderSummary(
      {
        ...base,
        taskDefinition: {
          ...task,
          cpu: '1 vCPU',
          memory: '2048',
          containerDefinitions: [{ ...task.containerDefinitions![0]!, cpu: 0, memoryReservation: 256 }]
        }
      },
      []
    )
    expect(summary).toContain('| Task size | cpu `1 vCPU`, memory 2048 MiB (2 GiB) |')
    expect(summary).toContain("| 0 (shares the task's) | 256 MiB (soft) |")
  })
})
