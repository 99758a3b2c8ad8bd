import { describe, expect, it } from '@jest/globals'
import { memoryLogger } from '../../src/log.js'
import { loadProject } from '../../src/project.js'
import { corpusCases } from '../fixtures/corpus/cases.js'

// Each corpus case goes through the whole pipeline (config → templates → parse → prepare) and must come out
// as its checked-in expected JSON, with no warnings.
describe('fixture corpus', () => {
  const cases = corpusCases()

  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4)
  })

  for (const c of cases) {
    it(`renders ${c.name}`, async () => {
      const log = memoryLogger()
      const project = await loadProject({ configPath: c.configPath, env: c.env, log })
      expect(project.taskDefinition).toEqual(c.expectedTaskDefinition)
      expect(project.serviceDefinition).toEqual(c.expectedServiceDefinition)
      expect(log.lines.filter(line => line.startsWith('warning:'))).toEqual([])
    })
  }
})
