// Definitions ECS would refuse, through dist/index.js on the emulator: each exits non-zero with one clear,
// located error, makes no mutating AWS call, and the dry run reports the same error.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { expect } from '../helpers/expect.js'
import { runAction } from '../helpers/run-action.js'

let emulator: Emulator
let dir: string

const targetGroupArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
const registryArn = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef'
const network = { awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'] } }

type Container = Record<string, unknown>
const app = (extra: Container = {}): Container => ({
  name: 'app',
  image: 'registry.example.com/web:{{ must_env `IMAGE_TAG` }}',
  essential: true,
  portMappings: [{ name: 'http', containerPort: 8080 }],
  ...extra
})
const taskDefinition = (containers: Container[] = [app()], extra: Record<string, unknown> = {}) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: containers,
  ...extra
})
const serviceDefinition = (extra: Record<string, unknown> = {}) => ({
  launchType: 'FARGATE',
  desiredCount: 1,
  networkConfiguration: network,
  loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 8080 }],
  ...extra
})

beforeAll(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  const live = emulator.seedTaskDefinition(
    JSON.parse(JSON.stringify(taskDefinition()).replace('{{ must_env `IMAGE_TAG` }}', 'v1'))
  )
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: live,
    ...serviceDefinition(),
    serviceRegistries: [{ registryArn, containerName: 'app', containerPort: 8080 }]
  })
})

afterAll(async () => {
  await emulator.close()
})

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-definitions-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n'
  )
  emulator.clearLog()
})

async function run(task: unknown, service: unknown, inputs: Record<string, string> = {}) {
  await writeFile(join(dir, 'td.json'), typeof task === 'string' ? task : JSON.stringify(task, null, 2))
  await writeFile(join(dir, 'sd.json'), JSON.stringify(service, null, 2))
  return runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), 'image-tag': 'v2', ...inputs },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })
}

const hugeEnvironment = (bytes: number) =>
  Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => ({ name: `V${i}`, value: 'x'.repeat(20) }))
const containers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'nginx' }))

const cases: [string, () => [unknown, unknown, Record<string, string>?], RegExp][] = [
  [
    'a load balancer naming a container that does not exist',
    () => [
      taskDefinition(),
      serviceDefinition({ loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }] })
    ],
    /sd\.json:\d+:\d+: service definition: loadBalancers\[0\] names container 'web', which is not in task definition 'web'/
  ],
  [
    'a load balancer port the container does not map',
    () => [
      taskDefinition(),
      serviceDefinition({ loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }] })
    ],
    /sd\.json:\d+:\d+: .*sends traffic to port 80 of container 'app'/
  ],
  [
    'a Service Connect portName that names no port mapping',
    () => [
      taskDefinition(),
      serviceDefinition({
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'internal',
          services: [{ portName: 'grpc' }]
        }
      })
    ],
    /sd\.json:\d+:\d+: .*portName 'grpc' names no port mapping/
  ],
  [
    'volumeConfigurations without a configuredAtLaunch volume',
    () => [
      taskDefinition([app()], { volumes: [{ name: 'data' }] }),
      serviceDefinition({
        volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'arn:role' } }]
      })
    ],
    /sd\.json:\d+:\d+: .*'data', which task definition 'web' does not mark configuredAtLaunch/
  ],
  [
    'dependsOn naming a container that is not in the task definition',
    () => [
      taskDefinition([app({ dependsOn: [{ containerName: 'envoy', condition: 'START' }] })]),
      serviceDefinition()
    ],
    /td\.json:\d+:\d+: task definition: container 'app' depends on container 'envoy'/
  ],
  [
    'eleven containers',
    () => [taskDefinition([app(), ...containers(10)]), serviceDefinition()],
    /td\.json:\d+:\d+: task definition: the task definition has 11 containers; ECS allows at most 10/
  ],
  [
    'ten thousand containers',
    () => [taskDefinition([app(), ...containers(9999)]), serviceDefinition()],
    /the task definition has 10000 containers; ECS allows at most 10/
  ],
  [
    'a task definition over 64 KiB',
    () => [taskDefinition([app({ environment: hugeEnvironment(70_000) })]), serviceDefinition()],
    /td\.json:1:1: task definition: the task definition is \d+\.\d KiB \(\d+ bytes\) as ECS receives it; ECS accepts at most 64 KiB/
  ],
  [
    'a 50 MB task definition',
    () => [
      JSON.stringify(taskDefinition([app({ environment: hugeEnvironment(50_000_000) })])),
      serviceDefinition()
    ],
    /td\.json: the file is 5\d\.\d MiB; a definition file is at most 1\.0 MiB/
  ],
  [
    'the image repo/web:tag=evil',
    () => [taskDefinition([app({ image: 'repo/web:tag=evil' })]), serviceDefinition()],
    /td\.json:\d+:\d+: task definition: the image of container 'app', "repo\/web:tag=evil", is not a valid image reference: it has an invalid tag "tag=evil"/
  ],
  [
    'the image repo/web@sha256:=abc',
    () => [taskDefinition([app({ image: 'repo/web@sha256:=abc' })]), serviceDefinition()],
    /has an invalid digest "sha256:=abc"/
  ],
  [
    'an image holding a NUL',
    () => [taskDefinition([app({ image: 'repo/web\u0000:v2' })]), serviceDefinition()],
    /"repo\/web\\u0000:v2", is not a valid image reference: it contains a control character \(U\+0000\)/
  ],
  [
    // The file omits both: its load balancers would be cleared (desired state), its registries are kept.
    'a renamed container the live service still registers in service discovery',
    () => [
      taskDefinition([app({ name: 'web' })]),
      { launchType: 'FARGATE', desiredCount: 1, networkConfiguration: network }
    ],
    /td\.json: live service web: serviceRegistries\[0\] names container 'app', which is not in task definition 'web'/
  ],
  [
    'an invalid image from the images input',
    () => [taskDefinition(), serviceDefinition(), { images: 'app=repo/web:v2=evil' }],
    /input 'images': images: the image of container 'app', "repo\/web:v2=evil", is not a valid image reference/
  ]
]

describe('definitions ECS would refuse, through dist/index.js', () => {
  it.each(cases)('%s: one error, no write, and the dry run says the same', async (_, make, expected) => {
    const [task, service, inputs] = make()
    const deploy = await run(task, service, inputs)
    expect(deploy.exitCode, deploy.stdout).not.toBe(0)
    expect(deploy.errors).toHaveLength(1)
    expect(deploy.errors[0]).toMatch(expected)
    expect(deploy.errors[0]).toContain('hint:')
    expect(deploy.errors[0]).not.toMatch(/\n\s+at /) // no stack
    expect(emulator.writes()).toEqual([])

    const plan = await run(task, service, { ...inputs, 'dry-run': 'true' })
    expect(plan.exitCode).not.toBe(0)
    expect(plan.errors).toEqual(deploy.errors)
    expect(emulator.writes()).toEqual([])
  })

  it('the same definitions, fixed, deploy', async () => {
    const deploy = await run(taskDefinition(), serviceDefinition(), { wait: 'false' })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    expect(emulator.writes().map(r => r.operation)).toEqual(['RegisterTaskDefinition', 'UpdateService'])
  })
})
