import { describe, it } from '@jest/globals'
import { failureSummary } from '../../src/report/failure.js'
import { expect } from '../helpers/expect.js'

describe('the summary of a step that stopped on an error', () => {
  it('names the command that failed, and says nothing was changed when no write happened', () => {
    expect(failureSummary('bad', true, { command: 'run', dryRun: false })).toMatch(/^## ❌ ECS run failed\n/)
    expect(failureSummary('bad', true, { command: 'deploy', dryRun: true })).toMatch(
      /^## ❌ ECS dry run failed/
    )
    expect(failureSummary('bad', false, { command: 'deploy', dryRun: false })).toMatch(
      /^## ❌ ECS deploy failed/
    )
    expect(failureSummary('bad', true)).toMatch(/^## ❌ ECS deploy action failed/)
    expect(failureSummary('bad', true)).toContain('Nothing was changed in AWS')
    expect(failureSummary('bad', false)).not.toContain('Nothing was changed')
  })
})
