// The comparisons behind a no-op deploy, pure: the same normalization as the dry run's diff.
import type { Service, TaskDefinition } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { DEPLOY_ID_TAG } from '../../src/contract.js'
import { serviceMatches } from '../../src/ecs/service-input.js'
import { sameTaskDefinition } from '../../src/ecs/task-definition.js'

const rendered = {
  family: 'web',
  networkMode: 'awsvpc' as const,
  cpu: '0.25 vCPU',
  memory: '512',
  containerDefinitions: [{ name: 'app', image: 'nginx:1', portMappings: [{ containerPort: 80 }] }]
}
// What DescribeTaskDefinition returns for it: defaults filled, server keys added.
const described: TaskDefinition = {
  ...rendered,
  cpu: '256',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:7',
  revision: 7,
  status: 'ACTIVE',
  registeredAt: new Date(0),
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1',
      cpu: 0,
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      environment: [],
      mountPoints: [],
      volumesFrom: []
    }
  ]
}

describe('sameTaskDefinition', () => {
  it('equal once normalized; the deploy-id tag and ignored tags do not count', () => {
    const tags = [
      { key: DEPLOY_ID_TAG, value: 'run-1' },
      { key: 'managed', value: 'elsewhere' }
    ]
    expect(sameTaskDefinition(rendered, described, tags, ['managed'])).toBe(true)
  })

  it('a different image or an extra tag is a change', () => {
    const other = (patch: object) => ({ ...rendered, ...patch })
    expect(
      sameTaskDefinition(
        other({ containerDefinitions: [{ name: 'app', image: 'nginx:2' }] }),
        described,
        [],
        []
      )
    ).toBe(false)
    expect(sameTaskDefinition(rendered, described, [{ key: 'team', value: 'web' }], [])).toBe(false)
  })
})

describe('serviceMatches', () => {
  const live: Service = {
    serviceName: 'web',
    desiredCount: 2,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    deploymentConfiguration: {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: false, rollback: false }
    },
    tags: [{ key: 'team', value: 'web' }]
  }

  const tags = live.tags!

  it('matches a definition whose fields the service already has, defaults included', () => {
    expect(serviceMatches({ launchType: 'FARGATE', desiredCount: 2, tags }, live, 2, [])).toBe(true)
  })

  it('compares the count a deploy sends, not the file’s (auto scaling keeps the current one)', () => {
    expect(serviceMatches({ desiredCount: 5, tags }, live, undefined, [])).toBe(true)
    expect(serviceMatches({ desiredCount: 2, tags }, live, 3, [])).toBe(false)
  })

  it('the file is the desired state: an omitted tag or a boolean on in live is a change', () => {
    expect(serviceMatches({}, live, undefined, [])).toBe(false)
    expect(serviceMatches({}, live, undefined, ['team'])).toBe(true)
    expect(serviceMatches({ tags }, { ...live, enableExecuteCommand: true }, undefined, [])).toBe(false)
    expect(serviceMatches({ tags }, { ...live, propagateTags: 'SERVICE' }, undefined, [])).toBe(true)
  })

  it('a changed setting or tag is a change; without a definition only the count counts', () => {
    expect(
      serviceMatches({ deploymentConfiguration: { minimumHealthyPercent: 50 } }, live, undefined, [])
    ).toBe(false)
    expect(serviceMatches({ tags: [{ key: 'team', value: 'api' }] }, live, undefined, [])).toBe(false)
    expect(serviceMatches(undefined, live, undefined, [])).toBe(true)
    expect(serviceMatches(undefined, live, 4, [])).toBe(false)
  })
})
