import { describe, expect, it } from '@jest/globals'
import { DEPLOY_ID_TAG } from '../../src/contract.js'
import { normalizeTaskDefinition } from '../../src/diff/normalize.js'

describe('the deploy-id tag the action puts on registrations', () => {
  it('is not a difference between the file and the live task definition', () => {
    const file = { family: 'web', containerDefinitions: [], tags: [{ key: 'Team', value: 'platform' }] }
    const live = { ...file, tags: [{ key: DEPLOY_ID_TAG, value: '4242-1-abc' }, ...file.tags] }
    expect(normalizeTaskDefinition(live, {})).toEqual(normalizeTaskDefinition(file, {}))
  })
})
