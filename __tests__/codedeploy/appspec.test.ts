import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Service } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import {
  buildAppSpec,
  loadAppSpecHooks,
  parseAppSpecHooks,
  renderAppSpec
} from '../../src/codedeploy/appspec.js'
import type { ServiceDefinition } from '../../src/ecs/service-input.js'
import { ActionError } from '../../src/errors.js'

const TD = 'arn:aws:ecs:us-east-1:111222333444:task-definition/my-task-definition-family-name:1'

// The service definition equivalent of the ECS example in the CodeDeploy AppSpec reference.
const definition: ServiceDefinition = {
  loadBalancers: [
    {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111222333444:targetgroup/blue/1',
      containerName: 'SampleApplicationName',
      containerPort: 80
    }
  ],
  platformVersion: 'LATEST',
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-1234abcd', 'subnet-5678abcd'],
      securityGroups: ['sg-12345678'],
      assignPublicIp: 'ENABLED'
    }
  },
  capacityProviderStrategy: [
    { capacityProvider: 'FARGATE_SPOT', base: 1, weight: 2 },
    { capacityProvider: 'FARGATE', base: 0, weight: 1 }
  ],
  desiredCount: 2
}

const hooks = [
  { event: 'BeforeInstall', functionName: 'LambdaFunctionToValidateBeforeInstall' },
  { event: 'AfterAllowTestTraffic', functionName: 'LambdaFunctionToValidateAfterTestTrafficStarts' }
] as const

describe('buildAppSpec', () => {
  it('lays out the AppSpec as ecspresso and the CodeDeploy reference do', () => {
    const spec = buildAppSpec({ taskDefinitionArn: TD, definition, live: undefined, hooks })
    expect(spec).toEqual({
      version: '0.0',
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: TD,
              LoadBalancerInfo: { ContainerName: 'SampleApplicationName', ContainerPort: 80 },
              PlatformVersion: 'LATEST',
              NetworkConfiguration: {
                AwsvpcConfiguration: {
                  Subnets: ['subnet-1234abcd', 'subnet-5678abcd'],
                  SecurityGroups: ['sg-12345678'],
                  AssignPublicIp: 'ENABLED'
                }
              },
              CapacityProviderStrategy: [
                { CapacityProvider: 'FARGATE_SPOT', Base: 1, Weight: 2 },
                { CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }
              ]
            }
          }
        }
      ],
      Hooks: [
        { BeforeInstall: 'LambdaFunctionToValidateBeforeInstall' },
        { AfterAllowTestTraffic: 'LambdaFunctionToValidateAfterTestTrafficStarts' }
      ]
    })
  })

  it('renders YAML whose version stays the string 0.0 and which parses back to the same document', () => {
    const spec = buildAppSpec({ taskDefinitionArn: TD, definition, live: undefined, hooks })
    const text = renderAppSpec(spec)
    expect(text).toMatch(/^version: "0\.0"\nResources:\n {2}- TargetService:\n {6}Type: AWS::ECS::Service\n/)
    expect(parse(text)).toEqual(spec)
    expect(text.indexOf('Resources')).toBeLessThan(text.indexOf('Hooks'))
  })

  it('takes what the definition does not set from the live service', () => {
    const live: Service = {
      loadBalancers: [{ containerName: 'web', containerPort: 8080, targetGroupArn: 'tg' }],
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-live'], assignPublicIp: 'DISABLED' } }
    }
    const spec = buildAppSpec({
      taskDefinitionArn: TD,
      definition: { platformVersion: '1.3.0' },
      live,
      hooks: []
    })
    const props = spec.Resources[0].TargetService.Properties
    expect(props.LoadBalancerInfo).toEqual({ ContainerName: 'web', ContainerPort: 8080 })
    expect(props.PlatformVersion).toBe('1.3.0')
    expect(props.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: { Subnets: ['subnet-live'], AssignPublicIp: 'DISABLED' }
    })
    expect(props.CapacityProviderStrategy).toBeUndefined()
    expect(spec.Hooks).toBeUndefined()
  })

  it('refuses a service without a load balancer, naming the definition file', () => {
    let error: unknown
    try {
      buildAppSpec({
        taskDefinitionArn: TD,
        definition: { desiredCount: 1 },
        live: { loadBalancers: [] },
        hooks: [],
        serviceName: 'web',
        definitionFile: 'ecs-service-def.json'
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).describe()).toContain(
      'ecs-service-def.json: service web has no load balancer'
    )
    expect((error as ActionError).hint).toContain('loadBalancers')
  })
})

describe('appspec hooks from the config', () => {
  it('reads the Hooks list of an inline appspec section', () => {
    const loaded = parseAppSpecHooks(
      { Hooks: [{ BeforeInstall: 'check-before' }, { AfterAllowTestTraffic: 'smoke-test' }] },
      'ecspresso.yml',
      'appspec.'
    )
    expect(loaded.hooks).toEqual([
      { event: 'BeforeInstall', functionName: 'check-before' },
      { event: 'AfterAllowTestTraffic', functionName: 'smoke-test' }
    ])
    expect(loaded.warnings).toEqual([])
  })

  it('suggests the lifecycle event a typo meant', () => {
    expect(() => parseAppSpecHooks({ Hooks: [{ BeforeInstal: 'x' }] }, 'ecspresso.yml', 'appspec.')).toThrow(
      /'BeforeInstal' is not an ECS lifecycle event/
    )
    let error: unknown
    try {
      parseAppSpecHooks({ Hooks: [{ AfterAllowTestTrafic: 'x' }] }, 'ecspresso.yml')
    } catch (e) {
      error = e
    }
    expect((error as ActionError).hint).toBe("did you mean 'AfterAllowTestTraffic'?")
  })

  it('refuses a hook without a function and an event named twice', () => {
    expect(() => parseAppSpecHooks({ Hooks: [{ BeforeInstall: '' }] }, 'f')).toThrow(
      /name or ARN of a Lambda/
    )
    expect(() => parseAppSpecHooks({ Hooks: [{ BeforeInstall: 'a' }, { BeforeInstall: 'b' }] }, 'f')).toThrow(
      /names BeforeInstall twice/
    )
    expect(() => parseAppSpecHooks({ Hooks: { BeforeInstall: 'a' } }, 'f')).toThrow(/must be a list/)
  })

  it('warns that Resources in the appspec are ignored, as ecspresso ignores them', () => {
    const loaded = parseAppSpecHooks({ version: 0, Resources: [], Hooks: [] }, 'ecspresso.yml', 'appspec.')
    expect(loaded.warnings).toEqual([expect.stringContaining('appspec.Resources is ignored')])
  })

  it('reads hooks from a .yml or .json appspec file next to the config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'appspec-'))
    const config = join(dir, 'ecspresso.yml')
    await writeFile(join(dir, 'appspec.yml'), 'version: 0.0\nHooks:\n  - AfterInstall: after-install-check\n')
    await writeFile(
      join(dir, 'appspec.json'),
      JSON.stringify({ Hooks: [{ AfterAllowTraffic: 'final-check' }] })
    )
    await writeFile(join(dir, 'appspec.txt'), '')
    expect((await loadAppSpecHooks('appspec.yml', config)).hooks).toEqual([
      { event: 'AfterInstall', functionName: 'after-install-check' }
    ])
    expect((await loadAppSpecHooks('./appspec.json', config)).hooks).toEqual([
      { event: 'AfterAllowTraffic', functionName: 'final-check' }
    ])
    await expect(loadAppSpecHooks('appspec.txt', config)).rejects.toThrow(/must end in .yml, .yaml or .json/)
    await expect(loadAppSpecHooks('missing.yml', config)).rejects.toThrow(/cannot read appspec file/)
    expect(await loadAppSpecHooks(undefined, config)).toEqual({ hooks: [], warnings: [] })
  })
})
