// The service diff compares the file as the desired state a deploy applies (desired-state.ts): what it omits
// and a deploy still sends is compared as that value, and nothing else it omits is compared.
import { describe, expect, it } from '@jest/globals'
import { jsonEqual } from '../../src/diff/json.js'
import { normalizeServicePair } from '../../src/diff/normalize.js'
import { desiredService } from '../../src/ecs/desired-state.js'

const same = (local: object, live: object, options: { codeDeploy?: boolean } = {}) => {
  const pair = normalizeServicePair(local, live, options)
  return jsonEqual(pair.local, pair.live)
}
const live = { launchType: 'FARGATE', desiredCount: 2, enableExecuteCommand: false }

describe('the service diff compares the desired state', () => {
  it('an omitted boolean is compared as off; an omitted count, grace period or propagateTags is not compared', () => {
    expect(same({}, { ...live, enableExecuteCommand: true })).toBe(false)
    expect(same({}, { ...live, enableECSManagedTags: true })).toBe(false)
    expect(
      same({}, { ...live, desiredCount: 9, healthCheckGracePeriodSeconds: 60, propagateTags: 'SERVICE' })
    ).toBe(true)
  })

  it('omitted Service Connect, volume configurations and load balancers are compared as cleared', () => {
    const primary = (extra: object) => ({ ...live, deployments: [{ status: 'PRIMARY', ...extra }] })
    expect(same({}, primary({ serviceConnectConfiguration: { enabled: true, namespace: 'ns' } }))).toBe(false)
    expect(same({}, primary({ serviceConnectConfiguration: { enabled: false } }))).toBe(true)
    expect(same({}, primary({ volumeConfigurations: [{ name: 'data' }] }))).toBe(false)
    expect(
      same(
        {},
        { ...live, loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 80 }] }
      )
    ).toBe(false)
    expect(same({}, { ...live, loadBalancers: [] })).toBe(true)
  })

  it('CODE_DEPLOY: omitted load balancers are not compared (the AppSpec carries them), the booleans are', () => {
    const cd = {
      ...live,
      deploymentController: { type: 'CODE_DEPLOY' },
      loadBalancers: [{ targetGroupArn: 'tg' }]
    }
    expect(same({}, cd, { codeDeploy: true })).toBe(true)
    expect(same({}, { ...cd, enableExecuteCommand: true }, { codeDeploy: true })).toBe(false)
  })

  it('tags not listed are compared as removed, except aws: keys', () => {
    expect(same({}, { ...live, tags: [{ key: 'team', value: 'web' }] })).toBe(false)
    expect(same({}, { ...live, tags: [{ key: 'aws:cloudformation:stack-name', value: 's' }] })).toBe(true)
    const pair = normalizeServicePair(
      {},
      { ...live, tags: [{ key: 'team', value: 'web' }] },
      { ignoreTags: ['team'] }
    )
    expect(pair.local).toEqual(pair.live)
  })

  it('desiredService keeps what the file sets and fills only what it omits', () => {
    expect(
      desiredService(
        { enableExecuteCommand: true, loadBalancers: [{ containerName: 'a' }] },
        { codeDeploy: false }
      )
    ).toEqual({
      enableExecuteCommand: true,
      enableECSManagedTags: false,
      tags: [],
      loadBalancers: [{ containerName: 'a' }],
      serviceConnectConfiguration: { enabled: false },
      volumeConfigurations: [],
      vpcLatticeConfigurations: []
    })
    expect(desiredService({}, { codeDeploy: true })).toEqual({
      enableExecuteCommand: false,
      enableECSManagedTags: false,
      tags: []
    })
  })
})
