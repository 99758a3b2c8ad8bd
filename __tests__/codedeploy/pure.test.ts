import type { DeploymentGroupInfo, DeploymentInfo } from '@aws-sdk/client-codedeploy'
import type { Service } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { GithubContext } from '../../src/commands/types.js'
import {
  buildCreateDeploymentInput,
  deploymentConsoleUrl,
  deploymentDescription,
  DESCRIPTION_LIMIT,
  rollbackConfiguration,
  sha256
} from '../../src/codedeploy/deployment.js'
import { matchingGroups, toGroupRef, type DeploymentGroupRef } from '../../src/codedeploy/group.js'
import { deploymentIdInMessage } from '../../src/codedeploy/in-progress.js'
import { holds, planCodeDeployServiceUpdate } from '../../src/codedeploy/service-update.js'
import { failureReason, wasRolledBack } from '../../src/codedeploy/watch.js'

const github: GithubContext = {
  eventName: 'push',
  payload: {},
  repository: 'acme/shop',
  sha: '0123456789abcdef0123456789abcdef01234567',
  runId: '42',
  runAttempt: '1',
  actor: 'octocat',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  pullRequest: undefined
}

const group = (
  name: string,
  services: [string, string][],
  extra: Partial<DeploymentGroupInfo> = {}
): DeploymentGroupInfo => ({
  applicationName: 'app',
  deploymentGroupName: name,
  deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
  ecsServices: services.map(([clusterName, serviceName]) => ({ clusterName, serviceName })),
  ...extra
})

describe('discovery filter', () => {
  const groups = [
    group('web-prod', [['prod', 'web']]),
    group('web-staging', [['staging', 'web']]),
    group('api-prod', [['prod', 'api']])
  ]

  it('keeps the groups whose ECS service is the cluster and service', () => {
    expect(matchingGroups(groups, 'prod', 'web').map(g => g.deploymentGroupName)).toEqual(['web-prod'])
    expect(matchingGroups(groups, 'arn:aws:ecs:us-east-1:1:cluster/prod', 'web')).toHaveLength(1)
    expect(matchingGroups(groups, 'prod', 'worker')).toEqual([])
    expect(matchingGroups([...groups, group('web-prod-2', [['prod', 'web']])], 'prod', 'web')).toHaveLength(2)
  })

  it("takes the config's deployment config over the group's, and the group's ready option", () => {
    const info = group('web-prod', [['prod', 'web']], {
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 }
      },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
    })
    const ref = toGroupRef(
      info,
      'app',
      {
        applicationName: undefined,
        deploymentGroupName: undefined,
        deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes'
      },
      'discovered'
    )
    expect(ref).toEqual({
      applicationName: 'app',
      deploymentGroupName: 'web-prod',
      deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
      source: 'discovered',
      readyAction: 'STOP_DEPLOYMENT',
      readyWaitMinutes: 30,
      terminationWaitMinutes: 5,
      autoRollbackEvents: ['DEPLOYMENT_FAILURE']
    })
    expect(toGroupRef(info, 'app', undefined, 'config').deploymentConfigName).toBe(
      'CodeDeployDefault.ECSAllAtOnce'
    )
  })
})

describe('CreateDeployment input', () => {
  const ref: DeploymentGroupRef = {
    applicationName: 'app',
    deploymentGroupName: 'web-prod',
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    source: 'config',
    readyAction: undefined,
    readyWaitMinutes: undefined,
    terminationWaitMinutes: undefined,
    autoRollbackEvents: []
  }

  it('sends the AppSpec inline with its SHA-256, the deployment config and the rollback events', () => {
    const appSpec = 'version: "0.0"\n'
    const input = buildCreateDeploymentInput({
      group: ref,
      appSpec,
      description: 'd',
      rollbackEvents: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST']
    })
    expect(input).toEqual({
      applicationName: 'app',
      deploymentGroupName: 'web-prod',
      deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content: appSpec, sha256: sha256(appSpec) }
      },
      description: 'd',
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST']
      }
    })
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('leaves rollback and the deployment config to the group when they are not given', () => {
    expect(rollbackConfiguration([])).toBeUndefined()
    const input = buildCreateDeploymentInput({
      group: { ...ref, deploymentConfigName: undefined },
      appSpec: 'x',
      description: 'd',
      rollbackEvents: []
    })
    expect(input).not.toHaveProperty('autoRollbackConfiguration')
    expect(input).not.toHaveProperty('deploymentConfigName')
  })

  it('describes the run: task definition, repository and commit, actor and run URL', () => {
    expect(deploymentDescription(github, 'arn:aws:ecs:us-east-1:1:task-definition/web:7')).toBe(
      'ecs-deploy-action: web:7 from acme/shop@0123456789ab by octocat (https://github.com/acme/shop/actions/runs/42)'
    )
    const bare = { ...github, repository: undefined, sha: undefined, actor: undefined, runId: undefined }
    expect(deploymentDescription(bare, 'web:7')).toBe('ecs-deploy-action: web:7')
  })

  it('keeps the description within 512 characters and the run URL whole', () => {
    const long = { ...github, actor: 'x'.repeat(600) }
    const text = deploymentDescription(long, 'arn:aws:ecs:us-east-1:1:task-definition/web:7')
    expect(text).toHaveLength(DESCRIPTION_LIMIT)
    expect(text.endsWith('(https://github.com/acme/shop/actions/runs/42)')).toBe(true)
  })

  it('links the deployment in the console of its region', () => {
    expect(deploymentConsoleUrl('eu-west-1', 'd-ABCDEF123')).toBe(
      'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABCDEF123?region=eu-west-1'
    )
  })

  it('reads the active deployment from a DeploymentLimitExceededException message', () => {
    expect(
      deploymentIdInMessage("The Deployment Group 'web-prod' already has an active Deployment 'd-1A2B3C4D5'")
    ).toBe('d-1A2B3C4D5')
    expect(deploymentIdInMessage('no id here')).toBeUndefined()
  })
})

describe('service changes before a CodeDeploy deployment', () => {
  const live: Service = {
    desiredCount: 2,
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
    healthCheckGracePeriodSeconds: 30,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    platformVersion: '1.4.0',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], assignPublicIp: 'DISABLED' } },
    serviceRegistries: []
  }

  it('updates only what UpdateService may change on a CODE_DEPLOY service, and only what differs', () => {
    const plan = planCodeDeployServiceUpdate({
      cluster: 'prod',
      service: 'web',
      live,
      desiredCount: 3,
      definition: {
        desiredCount: 3,
        deploymentConfiguration: { minimumHealthyPercent: 100 },
        healthCheckGracePeriodSeconds: 60,
        enableExecuteCommand: true,
        platformVersion: '1.4.0',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-b'] } },
        serviceRegistries: [{ registryArn: 'arn:sd' }]
      }
    })
    expect(plan.input).toEqual({
      cluster: 'prod',
      service: 'web',
      healthCheckGracePeriodSeconds: 60,
      enableExecuteCommand: true,
      desiredCount: 3
    })
    expect(plan.updated).toEqual(['healthCheckGracePeriodSeconds', 'enableExecuteCommand', 'desiredCount'])
    expect(plan.viaAppSpec).toEqual(['networkConfiguration'])
    expect(plan.notApplied).toEqual(['serviceRegistries'])
  })

  it('sends nothing when the definition matches the live service', () => {
    const plan = planCodeDeployServiceUpdate({
      cluster: 'prod',
      service: 'web',
      live,
      desiredCount: 2,
      definition: { desiredCount: 2, propagateTags: 'NONE', deploymentConfiguration: { maximumPercent: 200 } }
    })
    expect(plan.input).toBeUndefined()
    expect(plan.updated).toEqual([])
  })

  it('compares by containment: defaults the live service adds do not count as changes', () => {
    expect(holds({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toBe(true)
    expect(holds({ a: [1, 2] }, { a: [1] })).toBe(false)
    expect(holds([{ x: 1, y: 2 }], [{ x: 1 }])).toBe(true)
    expect(holds(undefined, false)).toBe(false)
    expect(holds(new Date(5), new Date(5))).toBe(true)
  })
})

describe('outcome of a finished deployment', () => {
  const failed: DeploymentInfo = {
    status: 'Failed',
    errorInformation: {
      code: 'HOOK_EXECUTION_FAILURE',
      message: 'The deployment failed because a lifecycle hook failed.'
    },
    rollbackInfo: { rollbackMessage: 'Automatic rollback: the deployment failed' },
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
  }

  it('counts a rollback CodeDeploy reports, or the automatic rollback of the event that ended it', () => {
    expect(wasRolledBack(failed, [], false)).toBe(true)
    expect(wasRolledBack({ status: 'Failed' }, ['DEPLOYMENT_FAILURE'], false)).toBe(true)
    expect(wasRolledBack({ status: 'Failed' }, [], false)).toBe(false)
    expect(wasRolledBack({ status: 'Stopped' }, ['DEPLOYMENT_STOP_ON_REQUEST'], false)).toBe(false)
    expect(wasRolledBack({ status: 'Stopped' }, ['DEPLOYMENT_STOP_ON_REQUEST'], true)).toBe(true)
  })

  it('names the failing lifecycle event and its hook first', () => {
    const reason = failureReason(
      failed,
      [
        {
          name: 'AfterAllowTestTraffic',
          status: 'Failed',
          startTime: undefined,
          endTime: undefined,
          errorCode: 'ScriptFailed',
          message: 'smoke test returned 500',
          logTail: undefined,
          hookFunction: 'smoke-test'
        }
      ],
      true
    )
    expect(reason).toBe(
      'lifecycle event AfterAllowTestTraffic (hook smoke-test) failed: smoke test returned 500; ' +
        'HOOK_EXECUTION_FAILURE: The deployment failed because a lifecycle hook failed.; Automatic rollback: the deployment failed'
    )
  })
})
