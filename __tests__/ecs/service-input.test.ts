import type { Service } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import {
  buildCreateServiceInput,
  buildUpdateServiceInput,
  planDesiredCount,
  planTagChanges
} from '../../src/ecs/service-input.js'
import { familyOf, registrationTags, DEPLOY_ID_TAG } from '../../src/ecs/task-definition.js'
import { pollDelay } from '../../src/ecs/watch.js'
import { explainAwsError } from '../../src/report/aws-errors.js'

const live: Service = {
  serviceName: 'web',
  desiredCount: 3,
  schedulingStrategy: 'REPLICA',
  taskDefinition: 'td:1'
}

describe('planDesiredCount', () => {
  it('uses the definition value', () => {
    expect(planDesiredCount({ desiredCount: 5 }, live, undefined)).toEqual({ send: 5, reason: 'definition' })
  })
  it('keeps the current count when the definition leaves it unset or null', () => {
    expect(planDesiredCount({}, live, undefined)).toEqual({ send: undefined, reason: 'unset' })
    expect(
      planDesiredCount({ desiredCount: null as unknown as number }, live, undefined).send
    ).toBeUndefined()
  })
  it('keeps the current count under auto scaling, clamped into the range', () => {
    expect(planDesiredCount({ desiredCount: 1 }, live, { min: 2, max: 6 })).toEqual({
      send: undefined,
      reason: 'auto-scaling'
    })
    expect(planDesiredCount({ desiredCount: 1 }, live, { min: 4, max: 6 }).send).toBe(4)
    expect(planDesiredCount({ desiredCount: 9 }, live, { min: 1, max: 2 }).send).toBe(2)
  })
  it('never sends a count for a DAEMON service', () => {
    expect(
      planDesiredCount({ desiredCount: 2, schedulingStrategy: 'DAEMON' }, live, undefined).send
    ).toBeUndefined()
  })
})

describe('buildUpdateServiceInput', () => {
  const base = {
    cluster: 'prod',
    service: 'web',
    taskDefinitionArn: 'td:2',
    live,
    desiredCount: undefined,
    forceNewDeployment: false
  }
  it('sends what the definition sets, and what ecspresso sends for what it omits', () => {
    const input = buildUpdateServiceInput({
      ...base,
      definition: {
        healthCheckGracePeriodSeconds: 30,
        launchType: 'FARGATE',
        availabilityZoneRebalancing: 'ENABLED'
      }
    })
    // Booleans off; lists and Service Connect would be cleared, but live has none to clear.
    expect(input).toEqual({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'td:2',
      healthCheckGracePeriodSeconds: 30,
      enableECSManagedTags: false,
      enableExecuteCommand: false,
      availabilityZoneRebalancing: 'ENABLED'
    })
  })
  it('clears load balancers, Service Connect and volume configurations the file no longer has', () => {
    const input = buildUpdateServiceInput({
      ...base,
      live: {
        ...live,
        loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 80 }],
        deployments: [
          {
            status: 'PRIMARY',
            serviceConnectConfiguration: { enabled: true, namespace: 'ns' },
            volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'r' } }]
          }
        ]
      },
      definition: { enableExecuteCommand: true }
    })
    expect(input).toMatchObject({
      enableExecuteCommand: true,
      enableECSManagedTags: false,
      loadBalancers: [],
      serviceConnectConfiguration: { enabled: false },
      volumeConfigurations: []
    })
    expect(input).not.toHaveProperty('vpcLatticeConfigurations')
    expect(input).not.toHaveProperty('desiredCount')
    expect(input).not.toHaveProperty('propagateTags')
  })
  it('adds the count and force flag when asked, and drops placementStrategy for DAEMON', () => {
    const input = buildUpdateServiceInput({
      ...base,
      desiredCount: 4,
      forceNewDeployment: true,
      definition: {
        schedulingStrategy: 'DAEMON',
        placementStrategy: [{ type: 'spread', field: 'instanceId' }]
      }
    })
    expect(input.desiredCount).toBe(4)
    expect(input.forceNewDeployment).toBe(true)
    expect(input).not.toHaveProperty('placementStrategy')
  })
})

describe('buildCreateServiceInput', () => {
  it('names the service, task definition and client token, and drops null fields', () => {
    const input = buildCreateServiceInput({
      cluster: 'prod',
      service: 'web',
      taskDefinitionArn: 'td:1',
      clientToken: 'tok',
      definition: { desiredCount: 2, platformVersion: null as unknown as string, volumeConfigurations: [] }
    })
    expect(input).toEqual({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'td:1',
      clientToken: 'tok',
      desiredCount: 2
    })
  })
})

describe('planTagChanges', () => {
  it('adds, changes and removes, but never ignored or aws: keys', () => {
    const changes = planTagChanges(
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'tf', value: 'x' },
        { key: 'aws:cloudformation:stack-name', value: 's' }
      ],
      {
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '3' },
          { key: 'c', value: '4' }
        ]
      },
      ['tf']
    )
    expect(changes).toEqual({
      set: [
        { key: 'b', value: '3' },
        { key: 'c', value: '4' }
      ],
      remove: []
    })
    expect(planTagChanges([{ key: 'a', value: '1' }], { tags: [] }, []).remove).toEqual(['a'])
  })
  it('a definition without tags wants none (but ignored and aws: keys stay); no definition leaves them', () => {
    const tags = [
      { key: 'a', value: '1' },
      { key: 'tf', value: 'x' },
      { key: 'aws:cloudformation:stack-name', value: 's' }
    ]
    expect(planTagChanges(tags, {}, ['tf'])).toEqual({ set: [], remove: ['a'] })
    expect(planTagChanges(tags, undefined, [])).toEqual({ set: [], remove: [] })
  })
})

describe('task definition helpers', () => {
  it('tags the registration with the deploy id, replacing a stale one', () => {
    const tags = registrationTags(
      {
        family: 'web',
        containerDefinitions: [],
        tags: [
          { key: DEPLOY_ID_TAG, value: 'old' },
          { key: 'k', value: 'v' }
        ]
      },
      'run-1'
    )
    expect(tags).toEqual([
      { key: 'k', value: 'v' },
      { key: DEPLOY_ID_TAG, value: 'run-1' }
    ])
  })
  it('reads the family of an ARN', () => {
    expect(familyOf('arn:aws:ecs:us-east-1:1:task-definition/web-api:12')).toBe('web-api')
  })
})

describe('pollDelay', () => {
  it('checks within 2 s first and never waits more than 10 s', () => {
    expect(pollDelay(0, undefined)).toBeLessThanOrEqual(2000)
    for (let i = 0; i < 100; i++) expect(pollDelay(i, undefined)).toBeLessThanOrEqual(10_000)
    expect(pollDelay(50, 5)).toBe(5)
  })
})

describe('explainAwsError', () => {
  it('names the IAM action for AccessDenied', () => {
    const error = Object.assign(new Error('User is not authorized to perform: ecs:UpdateService'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      $operation: 'UpdateService',
      $service: 'ECS'
    })
    const info = explainAwsError(error)
    expect(info).toMatchObject({ operation: 'UpdateService', code: 'AccessDeniedException', httpStatus: 400 })
    expect(info.hint).toMatch(/ecs:UpdateService/)
  })
  it('points at iam:PassRole with its condition', () => {
    const error = Object.assign(new Error('not authorized to perform: iam:PassRole on resource role/x'), {
      name: 'AccessDeniedException',
      $metadata: {},
      $operation: 'RegisterTaskDefinition'
    })
    expect(explainAwsError(error).hint).toMatch(/iam:PassedToService: ecs-tasks.amazonaws.com/)
  })
})
