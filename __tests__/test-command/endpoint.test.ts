// What the command is told about the test endpoint, and which deploys can run it at all.
import { describe, expect, it } from '@jest/globals'
import type { Service } from '@aws-sdk/client-ecs'
import { readyWaitWarning, testCommandGroupError } from '../../src/codedeploy/test-traffic.js'
import { toGroupRef } from '../../src/codedeploy/group.js'
import {
  listenerArnOfRule,
  testCommandStrategyError,
  testEndpointEnv
} from '../../src/deploy/test-command.js'
import { parseInputs } from '../../src/inputs.js'
import { groupParams } from '../codedeploy/harness.js'

// ARN shapes from the Elastic Load Balancing API reference (DescribeRules, DescribeListeners).
const RULE =
  'arn:aws:elasticloadbalancing:us-west-2:123456789012:listener-rule/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee'
const LISTENER =
  'arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2'
const PROD_RULE =
  'arn:aws:elasticloadbalancing:us-west-2:123456789012:listener-rule/app/my-load-balancer/50dc6c495c0c9188/0467ef3c8400ae65/1111aaaa2222bbbb'
const PROD_LISTENER =
  'arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/0467ef3c8400ae65'

describe('listenerArnOfRule', () => {
  it('drops the rule id and says listener', () => {
    expect(listenerArnOfRule(RULE)).toBe(LISTENER)
    expect(listenerArnOfRule(RULE.replace('/app/', '/net/'))).toBe(LISTENER.replace('/app/', '/net/'))
    expect(listenerArnOfRule(LISTENER)).toBeUndefined()
    expect(listenerArnOfRule('not-an-arn')).toBeUndefined()
  })
})

describe('testEndpointEnv', () => {
  it('ECS-native: the rules, their listeners and both target groups, from the balancer with a test rule', () => {
    const service: Service = {
      serviceName: 'web',
      clusterArn: 'arn:aws:ecs:us-west-2:123456789012:cluster/prod',
      loadBalancers: [
        {
          targetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/other/1',
          containerName: 'sidecar',
          containerPort: 9000
        },
        {
          targetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-blue/2',
          containerName: 'app',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn:
              'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-green/3',
            productionListenerRule: PROD_RULE,
            testListenerRule: RULE,
            roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole'
          }
        }
      ]
    }
    expect(
      testEndpointEnv({
        controller: 'ECS',
        service,
        taskDefinitionArn: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:7',
        deploymentId: 'arn:aws:ecs:us-west-2:123456789012:service-deployment/prod/web/abc'
      })
    ).toEqual({
      ECS_DEPLOY_CONTROLLER: 'ECS',
      ECS_DEPLOY_CLUSTER: 'prod',
      ECS_DEPLOY_SERVICE: 'web',
      ECS_DEPLOY_TASK_DEFINITION_ARN: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:7',
      ECS_DEPLOY_DEPLOYMENT_ID: 'arn:aws:ecs:us-west-2:123456789012:service-deployment/prod/web/abc',
      ECS_DEPLOY_TEST_LISTENER_RULE_ARN: RULE,
      ECS_DEPLOY_TEST_LISTENER_ARN: LISTENER,
      ECS_DEPLOY_PRODUCTION_LISTENER_RULE_ARN: PROD_RULE,
      ECS_DEPLOY_PRODUCTION_LISTENER_ARN: PROD_LISTENER,
      ECS_DEPLOY_TARGET_GROUP_ARN:
        'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-blue/2',
      ECS_DEPLOY_ALTERNATE_TARGET_GROUP_ARN:
        'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-green/3',
      ECS_DEPLOY_CONTAINER_NAME: 'app',
      ECS_DEPLOY_CONTAINER_PORT: '8080'
    })
  })

  it('leaves out what the service does not say (no load balancer: no listener variables)', () => {
    const env = testEndpointEnv({
      controller: 'ECS',
      service: { serviceName: 'worker' },
      taskDefinitionArn: 'td',
      deploymentId: 'd'
    })
    expect(Object.keys(env).sort()).toEqual([
      'ECS_DEPLOY_CONTROLLER',
      'ECS_DEPLOY_DEPLOYMENT_ID',
      'ECS_DEPLOY_SERVICE',
      'ECS_DEPLOY_TASK_DEFINITION_ARN'
    ])
  })
})

describe('which deploys can run test-command', () => {
  const rolling: Service = { serviceName: 'web', deploymentController: { type: 'ECS' } }
  it('rolling: one error naming the input, with a fix', () => {
    const error = testCommandStrategyError('curl -f "$URL"', rolling, undefined)
    expect(error?.message).toMatch(/deploys ROLLING/)
    expect(error?.where).toEqual({ input: 'test-command' })
    expect(error?.hint).toMatch(/BLUE_GREEN, LINEAR or CANARY/)
  })
  it('ECS-native blue/green, linear, canary (the definition wins over the live service) and CodeDeploy: no error', () => {
    for (const strategy of ['BLUE_GREEN', 'LINEAR', 'CANARY'])
      expect(
        testCommandStrategyError('true', rolling, { deploymentConfiguration: { strategy } })
      ).toBeUndefined()
    expect(
      testCommandStrategyError(
        'true',
        { ...rolling, deploymentConfiguration: { strategy: 'BLUE_GREEN' } },
        { deploymentConfiguration: { strategy: 'ROLLING' } }
      )
    ).toBeDefined()
    expect(
      testCommandStrategyError(
        'true',
        { serviceName: 'web', deploymentController: { type: 'CODE_DEPLOY' } },
        undefined
      )
    ).toBeUndefined()
  })
  it('a CODE_DEPLOY service about to be created cannot run it', () => {
    expect(
      testCommandStrategyError('true', undefined, { deploymentController: { type: 'CODE_DEPLOY' } })?.message
    ).toMatch(/CreateService/)
  })
  it('unset test-command: nothing to check', () => {
    expect(testCommandStrategyError(undefined, rolling, undefined)).toBeUndefined()
  })
})

describe('which CodeDeploy groups can run test-command', () => {
  const ref = (params: Record<string, unknown>) => toGroupRef(params, 'app', undefined, 'discovered')
  it('a group that waits for rerouting and has a test listener: fine; a short wait warns', () => {
    const group = ref(groupParams({ readyWaitMinutes: 2 }))
    expect(testCommandGroupError(group)).toBeUndefined()
    expect(readyWaitWarning(group, 5 * 60_000)).toMatch(
      /waits 2m for rerouting, less than test-timeout \(5m\)/
    )
    expect(readyWaitWarning(group, 60_000)).toBeUndefined()
  })
  it('rerouting at once: an error naming STOP_DEPLOYMENT and the CLI to set it', () => {
    const error = testCommandGroupError(ref(groupParams()))
    expect(error?.message).toMatch(/reroutes as soon as the replacement is ready/)
    expect(error?.hint).toMatch(/aws deploy update-deployment-group .*actionOnTimeout=STOP_DEPLOYMENT/)
  })
  it('no test listener: an error saying so', () => {
    const params = groupParams({ readyWaitMinutes: 60 }) as {
      loadBalancerInfo: { targetGroupPairInfoList: Record<string, unknown>[] }
    }
    delete params.loadBalancerInfo.targetGroupPairInfoList[0]!.testTrafficRoute
    expect(testCommandGroupError(ref(params))?.message).toMatch(/has no test listener/)
  })
})

describe('test-command and test-timeout inputs', () => {
  const parse = (inputs: Record<string, string>) => () => parseInputs(name => inputs[name] ?? '')
  it('parse a multi-line command as written, and the timeout with its unit', () => {
    const inputs = parseInputs(
      name => ({ 'test-command': 'set -x\ncurl -f "$URL"\n', 'test-timeout': '90s' })[name] ?? ''
    )
    expect(inputs.testCommand).toBe('set -x\ncurl -f "$URL"\n')
    expect(inputs.testTimeoutMs).toBe(90_000)
    expect(parseInputs(() => '').testTimeoutMs).toBe(300_000)
    expect(parseInputs(() => '').testCommand).toBeUndefined()
  })
  it('refuse a bad timeout, and commands or settings that cannot run the command', () => {
    expect(parse({ 'test-timeout': 'soon' })).toThrow(/'soon' is not a duration/)
    expect(parse({ 'test-command': 'true', command: 'run' })).toThrow(
      /test-command applies to command: deploy only, not run/
    )
    expect(parse({ 'test-command': 'true', wait: 'false' })).toThrow(/needs the step to wait/)
    expect(parse({ 'test-command': 'true', 'wait-until': 'ready' })).toThrow(/wait-until: ready/)
  })
})
