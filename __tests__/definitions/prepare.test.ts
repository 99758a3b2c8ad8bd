import { describe, expect, it } from '@jest/globals'
import { ActionError, ActionErrors } from '../../src/errors.js'
import { prepareServiceDefinition, prepareTaskDefinition, type Locate } from '../../src/definitions/index.js'

// A locator that puts each path on its own "line", so tests can see that the right path was located.
const seen: string[] = []
const locate: Locate = path => {
  seen.push(path.join('/'))
  return { file: 'ecs-task-def.json', line: path.length + 1, column: 3 }
}
const task = { file: 'ecs-task-def.json', locate }
const service = { file: 'ecs-service-def.json', locate: (() => undefined) as Locate }

function errorsOf(run: () => unknown): ActionError[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ActionErrors)
    return [...(error as ActionErrors).errors]
  }
  throw new Error('expected an error')
}

// Shaped like `aws ecs describe-task-definition --include TAGS` output (see the ECS API reference example).
const described = {
  taskDefinition: {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    containerDefinitions: [
      {
        name: 'web',
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:abc123',
        cpu: 0,
        memoryReservation: 256,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        essential: true,
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/web',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'web'
          }
        },
        systemControls: []
      }
    ],
    family: 'web',
    taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    networkMode: 'awsvpc',
    revision: 7,
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    registeredAt: '2024-05-01T10:00:00.000Z',
    registeredBy: 'arn:aws:sts::123456789012:assumed-role/deploy/session',
    deregisteredAt: null
  },
  tags: [{ key: 'team', value: 'web' }]
}

describe('prepareTaskDefinition', () => {
  it('unwraps describe-task-definition output, strips read-only keys and empty lists, keeps the tags beside it', () => {
    const { value, warnings } = prepareTaskDefinition(described, task)
    expect(warnings).toEqual([])
    expect(value).toEqual({
      containerDefinitions: [
        {
          name: 'web',
          image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:abc123',
          cpu: 0,
          memoryReservation: 256,
          portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
          essential: true,
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/web',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'web'
            }
          }
        }
      ],
      family: 'web',
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'team', value: 'web' }]
    })
  })

  it('takes the same definition without the wrapper', () => {
    const { value } = prepareTaskDefinition(described.taskDefinition, task)
    expect(value.family).toBe('web')
    expect(value.tags).toBeUndefined()
    expect(value).not.toHaveProperty('revision')
    expect(value).not.toHaveProperty('taskDefinitionArn')
  })

  it('drops nulls anywhere, including inside maps', () => {
    const { value } = prepareTaskDefinition(
      {
        family: 'app',
        pidMode: null,
        containerDefinitions: [
          { name: 'app', image: 'app:1', memory: null, dockerLabels: { a: '1', b: null } }
        ]
      },
      task
    )
    expect(value).toEqual({
      family: 'app',
      containerDefinitions: [{ name: 'app', image: 'app:1', dockerLabels: { a: '1' } }]
    })
  })

  it('reads keys in any case, as ecspresso does, and sends them as the API spells them', () => {
    const { value, warnings } = prepareTaskDefinition(
      { Family: 'app', ContainerDefinitions: [{ Name: 'app', Image: 'app:1', MemoryReservation: 128 }] },
      task
    )
    expect(warnings).toEqual([])
    expect(value).toEqual({
      family: 'app',
      containerDefinitions: [{ name: 'app', image: 'app:1', memoryReservation: 128 }]
    })
  })

  it('reports a key close to a valid one as a typo, with where it is and the key it meant', () => {
    seen.length = 0
    const errors = errorsOf(() =>
      prepareTaskDefinition(
        { family: 'app', containerDefinitions: [{ name: 'app', image: 'app:1', memoryReservaton: 128 }] },
        task
      )
    )
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toBe(
      "task definition: unknown key 'memoryReservaton' in containerDefinitions[0]"
    )
    expect(errors[0]!.hint).toBe("did you mean 'memoryReservation'?")
    expect(errors[0]!.where).toEqual({ file: 'ecs-task-def.json', line: 4, column: 3 })
    expect(seen).toContain('containerDefinitions/0/memoryReservaton')
    expect(errors[0]!.describe()).toContain('ecs-task-def.json:4:3')
  })

  it('warns about an unknown key that is no typo and does not send it', () => {
    const { value, warnings } = prepareTaskDefinition(
      { family: 'app', containerDefinitions: [{ name: 'app', image: 'app:1', x_team_owner: 'payments' }] },
      task
    )
    expect(value.containerDefinitions).toEqual([{ name: 'app', image: 'app:1' }])
    expect(warnings.map(w => w.text)).toEqual([
      'ecs-task-def.json:4:3: containerDefinitions[0].x_team_owner is not a field of ECS RegisterTaskDefinition; it is not sent'
    ])
    // The position travels with the text, for the warning's file annotation.
    expect(warnings[0]!.where).toEqual({ file: 'ecs-task-def.json', line: 4, column: 3 })
  })

  it('reports values of the wrong type, every one in the file at once', () => {
    const errors = errorsOf(() =>
      prepareTaskDefinition(
        {
          family: 'app',
          cpu: 256,
          containerDefinitions: [
            {
              name: 'app',
              image: 'app:1',
              memory: '512',
              essential: 'true',
              portMappings: { containerPort: 80 },
              environment: [{ name: 'PORT', value: 8080 }]
            }
          ]
        },
        task
      )
    )
    expect(errors.map(e => [e.message, e.hint])).toEqual([
      ['task definition: cpu must be a string, not a number (256)', 'quote it: "256"'],
      [
        'task definition: containerDefinitions[0].memory must be an integer, not a string ("512")',
        'write 512 without quotes'
      ],
      [
        'task definition: containerDefinitions[0].essential must be true or false, not a string ("true")',
        'write true without quotes'
      ],
      ['task definition: containerDefinitions[0].portMappings must be a list, not an object', undefined],
      [
        'task definition: containerDefinitions[0].environment[0].value must be a string, not a number (8080)',
        'quote it: "8080"'
      ]
    ])
  })

  it('reports a missing required key and an enum value in the wrong case', () => {
    const errors = errorsOf(() =>
      prepareTaskDefinition(
        {
          networkMode: 'AWSVPC',
          containerDefinitions: [{ name: 'app', image: 'app:1', secrets: [{ name: 'DB_PASSWORD' }] }]
        },
        task
      )
    )
    expect(errors.map(e => [e.message, e.hint])).toEqual([
      ['task definition: networkMode is "AWSVPC", which ECS does not accept', 'use "awsvpc"'],
      ["task definition: containerDefinitions[0].secrets[0] is missing required key 'valueFrom'", undefined],
      ["task definition: the definition is missing required key 'family'", undefined]
    ])
  })

  it('warns about an enum value it does not know and sends it (the API may be newer than the shapes)', () => {
    const { value, warnings } = prepareTaskDefinition(
      {
        family: 'app',
        requiresCompatibilities: ['QUANTUM_COMPUTE'],
        containerDefinitions: [{ name: 'a', image: 'a' }]
      },
      task
    )
    expect(value.requiresCompatibilities).toEqual(['QUANTUM_COMPUTE'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.text).toContain(
      'requiresCompatibilities[0] is "QUANTUM_COMPUTE", not one of the known values'
    )
  })

  it('rejects a file that is not an object', () => {
    const errors = errorsOf(() => prepareTaskDefinition([{ family: 'x' }], task))
    expect(errors[0]!.message).toBe('the task definition must be an object, but the file holds a list')
  })
})

describe('prepareServiceDefinition', () => {
  // Shaped like one service of `aws ecs describe-services` output.
  const describedService = {
    serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
    serviceName: 'web',
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100
    },
    deployments: [{ id: 'ecs-svc/123', status: 'PRIMARY', taskDefinition: 'x', desiredCount: 2 }],
    roleArn: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
    events: [
      { id: 'e1', createdAt: '2024-05-01T10:00:00Z', message: '(service web) has reached a steady state.' }
    ],
    createdAt: '2024-04-01T10:00:00Z',
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ['subnet-0a1b2c3d'],
        securityGroups: ['sg-0a1b2c3d'],
        assignPublicIp: 'DISABLED'
      }
    },
    schedulingStrategy: 'REPLICA',
    createdBy: 'arn:aws:iam::123456789012:role/deploy',
    enableECSManagedTags: true,
    propagateTags: 'SERVICE',
    enableExecuteCommand: false
  }

  it('strips the read-only keys of describe-services output without warning; keeps empty lists', () => {
    const { value, warnings } = prepareServiceDefinition(describedService, service)
    expect(warnings).toEqual([])
    expect(value).toEqual({
      loadBalancers: [],
      serviceRegistries: [],
      desiredCount: 2,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100
      },
      placementConstraints: [],
      placementStrategy: [],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d'],
          securityGroups: ['sg-0a1b2c3d'],
          assignPublicIp: 'DISABLED'
        }
      },
      schedulingStrategy: 'REPLICA',
      enableECSManagedTags: true,
      propagateTags: 'SERVICE',
      enableExecuteCommand: false
    })
  })

  it('takes the create-only fields describe-services lacks (service connect, EBS volumes, VPC Lattice)', () => {
    const { value, warnings } = prepareServiceDefinition(
      {
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'internal',
          services: [{ portName: 'http' }]
        },
        volumeConfigurations: [
          { name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::1:role/ebs', sizeInGiB: 20 } }
        ],
        vpcLatticeConfigurations: [
          { roleArn: 'arn:aws:iam::1:role/lattice', targetGroupArn: 'arn:tg', portName: 'http' }
        ]
      },
      service
    )
    expect(warnings).toEqual([])
    expect(Object.keys(value)).toEqual([
      'serviceConnectConfiguration',
      'volumeConfigurations',
      'vpcLatticeConfigurations'
    ])
  })

  it('warns that cluster is ignored and reports a typo', () => {
    const errors = errorsOf(() => prepareServiceDefinition({ cluster: 'prod', desiredCont: 2 }, service))
    expect(errors.map(e => [e.message, e.hint, e.where])).toEqual([
      [
        "service definition: unknown key 'desiredCont' in the definition",
        "did you mean 'desiredCount'?",
        { file: 'ecs-service-def.json' }
      ]
    ])
    const { warnings } = prepareServiceDefinition({ cluster: 'prod', desiredCount: 2 }, service)
    expect(warnings.map(w => w.text)).toEqual([
      "ecs-service-def.json: cluster is ignored: the cluster comes from the config's `cluster`"
    ])
  })

  it('reports a wrong type in a nested structure', () => {
    const errors = errorsOf(() =>
      prepareServiceDefinition(
        { deploymentConfiguration: { deploymentCircuitBreaker: { enable: 'yes' } } },
        service
      )
    )
    expect(errors.map(e => e.message)).toEqual([
      'service definition: deploymentConfiguration.deploymentCircuitBreaker.enable must be true or false, not a string ("yes")',
      "service definition: deploymentConfiguration.deploymentCircuitBreaker is missing required key 'rollback'"
    ])
  })
})
