import { describe, expect, it } from '@jest/globals'
import { buildAppSpec, loadAppSpecHooks, renderAppSpec } from '../../src/codedeploy/appspec.js'
import { memoryLogger } from '../../src/log.js'
import { loadProject } from '../../src/project.js'

describe('examples/bluegreen', () => {
  it('loads like any ecspresso project and gives the AppSpec a deployment would send', async () => {
    const project = await loadProject({
      configPath: 'examples/bluegreen/ecspresso.yml',
      env: { IMAGE_TAG: 'v1', AWS_REGION: 'us-east-1' },
      log: memoryLogger()
    })
    expect(project.config.codedeploy).toEqual({
      applicationName: 'AppECS-demo-shop',
      deploymentGroupName: 'DgpECS-demo-shop',
      deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes'
    })
    expect(project.serviceDefinition?.deploymentController?.type).toBe('CODE_DEPLOY')
    const { hooks, warnings } = await loadAppSpecHooks(project.config.appspec, project.config.path)
    expect(warnings).toEqual([])
    const text = renderAppSpec(
      buildAppSpec({
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:12',
        definition: project.serviceDefinition,
        live: undefined,
        hooks
      })
    )
    expect(text).toMatchInlineSnapshot(`
      "version: "0.0"
      Resources:
        - TargetService:
            Type: AWS::ECS::Service
            Properties:
              TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/shop:12
              LoadBalancerInfo:
                ContainerName: app
                ContainerPort: 8080
              PlatformVersion: LATEST
              NetworkConfiguration:
                AwsvpcConfiguration:
                  Subnets:
                    - subnet-0a1b2c3d4e5f60718
                    - subnet-0f1e2d3c4b5a69788
                  SecurityGroups:
                    - sg-0123456789abcdef0
                  AssignPublicIp: DISABLED
      Hooks:
        - AfterAllowTestTraffic: shop-smoke-test
      "
    `)
  })
})
