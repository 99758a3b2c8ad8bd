// The validate stage through loadProject: ECS limits and the service definition against the task definition,
// each reported with its file, line and a fix, before any AWS call.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  checkAgainstLiveService,
  type ServiceDefinitionInput,
  type TaskDefinitionInput
} from '../../src/definitions/index.js'
import { ActionError, ActionErrors } from '../../src/errors.js'
import type { ImageOverride } from '../../src/inputs.js'
import { memoryLogger } from '../../src/log.js'
import { loadProject } from '../../src/project.js'

let dir: string

const container = (name: string, extra: object = {}) => ({
  name,
  image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}:v1`,
  essential: true,
  ...extra
})

/** A task definition and service definition that agree on every cross-checked field. */
const goodTask = (): TaskDefinitionInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    container('app', {
      portMappings: [{ name: 'http', containerPort: 8080 }],
      dependsOn: [{ containerName: 'envoy', condition: 'START' }],
      mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }]
    }),
    container('envoy', { essential: false, portMappings: [{ containerPort: 9901 }] })
  ],
  volumes: [{ name: 'data', configuredAtLaunch: true }, { name: 'scratch' }]
})
const goodService = (): ServiceDefinitionInput & {
  serviceConnectConfiguration: { services: { portName: string }[] }
} => ({
  launchType: 'FARGATE',
  desiredCount: 2,
  loadBalancers: [
    {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef',
      containerName: 'app',
      containerPort: 8080
    }
  ],
  serviceRegistries: [
    {
      registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123',
      containerName: 'envoy',
      containerPort: 9901
    }
  ],
  serviceConnectConfiguration: {
    enabled: true,
    namespace: 'internal',
    services: [{ portName: 'http', clientAliases: [{ port: 80 }] }]
  },
  volumeConfigurations: [
    {
      name: 'data',
      managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 10 }
    }
  ],
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123'] } }
})

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'consistency-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n'
  )
})

async function load(task: unknown, service: unknown, images: ImageOverride[] = []) {
  await writeFile(join(dir, 'td.json'), typeof task === 'string' ? task : JSON.stringify(task, null, 2))
  await writeFile(join(dir, 'sd.json'), JSON.stringify(service, null, 2))
  return loadProject({ configPath: join(dir, 'ecspresso.yml'), env: {}, images, log: memoryLogger() })
}

async function errorsOf(
  task: unknown,
  service: unknown,
  images: ImageOverride[] = []
): Promise<ActionError[]> {
  try {
    await load(task, service, images)
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError)
    return error instanceof ActionErrors ? [...error.errors] : [error as ActionError]
  }
  throw new Error('expected the definitions to be refused')
}

/** The 1-based line of the first occurrence of `text` in the pretty-printed JSON. */
function lineOf(value: unknown, text: string): number {
  const lines = JSON.stringify(value, null, 2).split('\n')
  const index = lines.findIndex(line => line.includes(text))
  expect(index).toBeGreaterThanOrEqual(0)
  return index + 1
}

describe('service definition against task definition', () => {
  it('accepts definitions that agree', async () => {
    const project = await load(goodTask(), goodService())
    expect(project.serviceDefinition?.loadBalancers?.[0]?.containerName).toBe('app')
  })

  it('a load balancer naming a container that does not exist', async () => {
    const service = goodService()
    service.loadBalancers![0]!.containerName = 'web'
    const [error, ...rest] = await errorsOf(goodTask(), service)
    expect(rest).toEqual([])
    expect(error!.message).toBe(
      "service definition: loadBalancers[0] names container 'web', which is not in task definition 'web'"
    )
    expect(error!.where).toMatchObject({
      file: expect.stringMatching(/\/sd\.json$/),
      line: lineOf(service, '"containerName": "web"')
    })
    expect(error!.hint).toBe("the containers of 'web' are: app, envoy")
  })

  it('a load balancer port the container does not map', async () => {
    const service = goodService()
    service.loadBalancers![0]!.containerPort = 80
    const [error] = await errorsOf(goodTask(), service)
    expect(error!.message).toContain(
      "loadBalancers[0] sends traffic to port 80 of container 'app', which maps no such containerPort"
    )
    expect(error!.where?.line).toBe(lineOf(service, '"containerPort": 80'))
    expect(error!.hint).toContain("'app' maps containerPort 8080")
  })

  it('a service registry naming a missing container or port', async () => {
    const service = goodService()
    service.serviceRegistries![0]!.containerPort = 15000
    const [error] = await errorsOf(goodTask(), service)
    expect(error!.message).toContain("serviceRegistries[0] sends traffic to port 15000 of container 'envoy'")
    service.serviceRegistries![0]!.containerName = 'proxy'
    const [again] = await errorsOf(goodTask(), service)
    expect(again!.message).toContain("serviceRegistries[0] names container 'proxy'")
  })

  it('a Service Connect portName that names no port mapping', async () => {
    const service = goodService()
    service.serviceConnectConfiguration.services[0]!.portName = 'grpc'
    const [error] = await errorsOf(goodTask(), service)
    expect(error!.message).toBe(
      "service definition: serviceConnectConfiguration.services[0].portName 'grpc' names no port mapping of task definition 'web'"
    )
    expect(error!.where?.line).toBe(lineOf(service, '"portName": "grpc"'))
    expect(error!.hint).toBe('the named port mappings are: http')
  })

  it('volumeConfigurations naming a volume not configured at launch, or no volume at all', async () => {
    const service = goodService()
    service.volumeConfigurations![0]!.name = 'scratch'
    const [plain] = await errorsOf(goodTask(), service)
    expect(plain!.message).toContain("configures volume 'scratch', which task definition 'web' does not mark")
    expect(plain!.hint).toBe('set "configuredAtLaunch": true on volume \'scratch\' in the task definition')
    service.volumeConfigurations![0]!.name = 'cache'
    const [missing] = await errorsOf(goodTask(), service)
    expect(missing!.message).toContain("'cache', which is not a volume of task definition 'web'")
    expect(missing!.hint).toBe('the volumes configured at launch are: data')
  })

  it('reports every mismatch at once, located where the file spells the key', async () => {
    const service: Record<string, unknown> = goodService()
    // Keys are matched without regard to case (as ecspresso's decoder does); the location follows the file.
    service.LoadBalancers = [{ targetGroupArn: 'arn:tg', ContainerName: 'api', containerPort: 8080 }]
    delete service.loadBalancers
    const connect = service.serviceConnectConfiguration as { services: { portName: string }[] }
    connect.services[0]!.portName = 'grpc'
    const errors = await errorsOf(goodTask(), service)
    expect(errors.map(e => e.message.slice(0, 40))).toEqual([
      'service definition: loadBalancers[0] nam',
      'service definition: serviceConnectConfig'
    ])
    expect(errors[0]!.where?.line).toBe(lineOf(service, '"ContainerName": "api"'))
  })
})

describe('task definition limits', () => {
  it('dependsOn naming a container that is not in the task definition', async () => {
    const task = goodTask()
    task.containerDefinitions![0]!.dependsOn![0]!.containerName = 'sidecar'
    const [error] = await errorsOf(task, goodService())
    expect(error!.message).toBe(
      "task definition: container 'app' depends on container 'sidecar', which is not in the task definition"
    )
    expect(error!.where).toMatchObject({
      file: expect.stringMatching(/\/td\.json$/),
      line: lineOf(task, '"containerName": "sidecar"')
    })
  })

  it('two containers with one name', async () => {
    const task = goodTask()
    task.containerDefinitions![1]!.name = 'app'
    task.containerDefinitions![0]!.dependsOn = []
    const [error, ...rest] = await errorsOf(task, {})
    expect(rest).toEqual([])
    expect(error!.message).toBe(
      "task definition: two containers are named 'app'; container names must be unique"
    )
    // Located at the second container's name.
    const lines = JSON.stringify(task, null, 2).split('\n')
    expect(error!.where?.line).toBe(lines.findLastIndex(line => line.includes('"name": "app"')) + 1)
  })

  it('dependsOn inside describe-task-definition output is located inside the wrapper', async () => {
    const task = goodTask()
    task.containerDefinitions![0]!.dependsOn![0]!.containerName = 'sidecar'
    const wrapped = { taskDefinition: { ...task, revision: 3, status: 'ACTIVE' } }
    const [error] = await errorsOf(wrapped, goodService())
    expect(error!.where?.line).toBe(lineOf(wrapped, '"containerName": "sidecar"'))
  })

  it('more than 10 containers is one error, even with 10 000 of them', async () => {
    for (const count of [11, 10_000]) {
      const task = {
        family: 'web',
        containerDefinitions: Array.from({ length: count }, (_, i) => ({
          name: `c${i}`,
          image: 'nginx',
          bad: 1
        }))
      }
      const errors = await errorsOf(task, {})
      expect(errors).toHaveLength(1)
      expect(errors[0]!.message).toBe(
        `task definition: the task definition has ${count} containers; ECS allows at most 10`
      )
      expect(errors[0]!.where).toMatchObject({ file: expect.stringMatching(/\/td\.json$/), line: 3 })
    }
  })

  it('10 containers are allowed', async () => {
    const task = {
      family: 'web',
      containerDefinitions: Array.from({ length: 10 }, (_, i) => container(`c${i}`))
    }
    expect((await load(task, {})).taskDefinition?.containerDefinitions).toHaveLength(10)
  })

  it('the 64 KiB limit counts the request as ECS receives it, to the byte', async () => {
    const sized = (bytes: number) => {
      const task: TaskDefinitionInput = {
        family: 'web',
        containerDefinitions: [container('app', { environment: [{ name: 'A', value: '' }] })]
      }
      const base = Buffer.byteLength(JSON.stringify(task))
      task.containerDefinitions![0]!.environment![0]!.value = 'x'.repeat(bytes - base)
      return task
    }
    // Pretty-printing makes the file larger than the request; only the request counts.
    expect((await load(sized(65536), {})).taskDefinition).toBeDefined()
    const [error] = await errorsOf(sized(65537), {})
    expect(error!.message).toBe(
      'task definition: the task definition is 64.0 KiB (65537 bytes) as ECS receives it; ECS accepts at most 64 KiB (65536 bytes)'
    )
    expect(error!.hint).toContain('environmentFiles')
  })

  it('a 50 MB file is refused before it is rendered', async () => {
    const environment = Array.from({ length: 1_250_000 }, (_, i) => ({
      name: `V${i}`,
      value: 'x'.repeat(20)
    }))
    const task = JSON.stringify({
      family: 'web',
      containerDefinitions: [{ ...container('app'), environment }]
    })
    expect(task.length).toBeGreaterThan(50_000_000)
    const [error] = await errorsOf(task, {})
    expect(error!.message).toMatch(/^the file is 5\d\.\d MiB; a definition file is at most 1\.0 MiB/)
    expect(error!.where).toEqual({ file: expect.stringMatching(/\/td\.json$/) })
  })

  it.each([
    ['repo/web:tag=evil', 'has an invalid tag "tag=evil"'],
    ['repo/web@sha256:=abc', 'has an invalid digest "sha256:=abc"'],
    ['repo/web\u0000:v1', 'contains a control character (U+0000) at position 9']
  ])('an invalid image reference %j', async (image, reason) => {
    const task = goodTask()
    task.containerDefinitions![1]!.image = image
    const [error, ...rest] = await errorsOf(task, goodService())
    expect(rest).toEqual([])
    expect(error!.message).toContain(
      `task definition: the image of container 'envoy', ${JSON.stringify(image)}, is not a valid image reference: it ${reason}`
    )
    expect(error!.where).toMatchObject({
      file: expect.stringMatching(/\/td\.json$/),
      line: lineOf(task, '"image": "repo/web')
    })
  })

  it('an invalid image from the images input is reported at that input', async () => {
    const [error] = await errorsOf(goodTask(), goodService(), [{ container: 'app', image: 'repo/web:v1=x' }])
    expect(error!.where).toEqual({ input: 'images' })
    expect(error!.message).toMatch(/^images: the image of container 'app', "repo\/web:v1=x", is not a valid/)
  })

  it('the images input may replace an image the file leaves invalid', async () => {
    const task = goodTask()
    task.containerDefinitions![0]!.image = 'PLACEHOLDER:replaced by the images input'
    const project = await load(task, goodService(), [{ container: 'app', image: 'nginx:1.27' }])
    expect(project.taskDefinition?.containerDefinitions?.[0]?.image).toBe('nginx:1.27')
  })
})

describe('the task definition against what the live service keeps', () => {
  const live = {
    serviceName: 'web',
    loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'app', containerPort: 8080 }],
    deployments: [
      {
        status: 'PRIMARY',
        serviceConnectConfiguration: { enabled: true, services: [{ portName: 'http' }] },
        volumeConfigurations: [{ name: 'data' }]
      }
    ]
  }
  const errors = (task: TaskDefinitionInput, service?: ServiceDefinitionInput): ActionError[] => {
    try {
      checkAgainstLiveService(
        { taskDefinition: task, serviceDefinition: service, taskDefinitionPath: 'td.json' },
        live
      )
    } catch (error) {
      return [...(error as ActionErrors).errors]
    }
    return []
  }

  it('accepts a task definition that fits the live service', () => {
    expect(errors(goodTask())).toEqual([])
  })

  it('refuses a renamed container, port name or volume the live service still uses', () => {
    const task = goodTask()
    task.containerDefinitions![0]!.name = 'api'
    task.containerDefinitions![0]!.portMappings = [{ name: 'web', containerPort: 8080 }]
    task.volumes = [{ name: 'data' }]
    expect(errors(task).map(e => e.message)).toEqual([
      "live service web: loadBalancers[0] names container 'app', which is not in task definition 'web'",
      "live service web: serviceConnectConfiguration.services[0].portName 'http' names no port mapping of task definition 'web'",
      "live service web: volumeConfigurations[0] configures volume 'data', which task definition 'web' does not mark configuredAtLaunch"
    ])
    expect(errors(task)[0]!.where).toEqual({ file: 'td.json' })
    expect(errors(task)[0]!.hint).toContain(
      'the service keeps this setting unless the service definition gives loadBalancers'
    )
  })

  it('what the service definition gives replaces what the live service keeps', () => {
    const task = goodTask()
    task.containerDefinitions![0]!.name = 'api'
    const service = {
      loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'api', containerPort: 8080 }]
    }
    expect(errors(task, service)).toEqual([])
  })
})
