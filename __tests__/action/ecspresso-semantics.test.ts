// ecspresso's config and deploy semantics, through dist/index.js on the emulator: required_version is checked
// before anything is read from AWS; the service definition is the desired state (an omitted boolean is turned
// off, a tag no longer listed is removed, desiredCount omitted stays), and the dry run says exactly what the
// deploy then does; task cpu/memory in any unit compare and register as the number ECS stores.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web'
const taskDefinition = (cpu: string, memory: string) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu,
  memory,
  containerDefinitions: [{ name: 'app', image: 'registry.example.com/web:v1' }]
})
const network = { awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'] } }

async function project(files: { config?: string; td?: object; sd?: object }): Promise<void> {
  await writeFile(
    join(dir, 'ecspresso.yml'),
    files.config ??
      'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n'
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(files.td ?? taskDefinition('256', '512')))
  await writeFile(
    join(dir, 'sd.json'),
    JSON.stringify(files.sd ?? { launchType: 'FARGATE', networkConfiguration: network })
  )
}

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  dir = await mkdtemp(join(tmpdir(), 'semantics-'))
})

afterEach(async () => {
  await emulator.close()
})

function run(inputs: Record<string, string> = {}) {
  return runAction({
    inputs: { config: join(dir, 'ecspresso.yml'), ...inputs },
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })
}

const writes = () =>
  emulator
    .writes()
    .filter(r => !r.fault)
    .map(r => r.operation)

describe('required_version', () => {
  it.each([
    ['>= 3.0.0', "required_version '>= 3.0.0' excludes ecspresso 2.8.7"],
    ['~> 2.9', "required_version '~> 2.9' excludes ecspresso 2.8.7"],
    ['>= two', "required_version '>= two' is not a version constraint (malformed constraint: >= two)"]
  ])(
    '%j stops the run before any AWS call, naming the constraint and the version',
    async (constraint, message) => {
      await project({
        config: `region: us-east-1\ncluster: prod\nservice: web\nrequired_version: "${constraint}"\ntask_definition: td.json\n`
      })
      const result = await run()
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).toContain(message)
      expect(result.stdout).toMatch(/ecspresso\.yml:4:\d+/)
      expect(emulator.calls('DescribeServices')).toEqual([])
      expect(emulator.writes()).toEqual([])
    }
  )

  it('a constraint that admits 2.8.7 deploys', async () => {
    await project({
      config:
        'region: us-east-1\ncluster: prod\nservice: web\nrequired_version: ">= 2.0, < 3"\ntask_definition: td.json\nservice_definition: sd.json\n'
    })
    const result = await run()
    expect(result.exitCode, result.stdout).toBe(0)
    expect(writes()).toContain('CreateService')
  })
})

describe('the service definition is the desired state', () => {
  beforeEach(async () => {
    const seeded = emulator.seedTaskDefinition(taskDefinition('256', '512'))
    emulator.seedService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: seeded,
      launchType: 'FARGATE',
      desiredCount: 3,
      networkConfiguration: network,
      enableExecuteCommand: true,
      propagateTags: 'SERVICE',
      tags: [
        { key: 'team', value: 'web' },
        { key: 'old', value: 'gone' },
        { key: 'owner', value: 'terraform' }
      ]
    })
    await project({
      config:
        'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\nignore:\n  tags: [owner]\n',
      // No enableExecuteCommand, no desiredCount, no propagateTags; tag `old` is no longer listed.
      sd: { launchType: 'FARGATE', networkConfiguration: network, tags: [{ key: 'team', value: 'web' }] }
    })
  })

  it('the dry run shows what the deploy then sends: exec turned off, the unlisted tag removed, the count kept', async () => {
    const plan = await run({ 'dry-run': 'true' })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.outputs['has-changes']).toBe('true')
    const serviceDiff = plan.outputs.diff!.split('\n').filter(line => /^[-+] /.test(line))
    expect(serviceDiff).toEqual([
      '-  "enableExecuteCommand": true,',
      '+  "enableExecuteCommand": false,',
      '-      "key": "old",',
      '-      "value": "gone"',
      '-    },',
      '-    {'
    ])
    expect(plan.outputs.diff).not.toContain('owner')
    expect(plan.outputs.diff).not.toContain('desiredCount')
    expect(plan.outputs.diff).not.toContain('propagateTags')
    expect(emulator.writes()).toEqual([])

    const deploy = await run()
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    expect(writes()).toEqual(['UpdateService', 'UntagResource'])
    const update = emulator.calls('UpdateService')[0]!.params
    expect(update).toMatchObject({ enableExecuteCommand: false, enableECSManagedTags: false })
    expect(update).not.toHaveProperty('desiredCount')
    expect(update).not.toHaveProperty('propagateTags')
    expect(update).not.toHaveProperty('loadBalancers')
    expect(emulator.calls('UntagResource')[0]!.params).toMatchObject({ tagKeys: ['old'] })

    const live = emulator.describeService('prod', 'web')
    expect(live).toMatchObject({ enableExecuteCommand: false, desiredCount: 3, propagateTags: 'SERVICE' })

    emulator.clearLog()
    const after = await run({ 'dry-run': 'true' })
    expect(after.outputs['has-changes']).toBe('false')
    const again = await run()
    expect(again.exitCode, again.stdout).toBe(0)
    expect(emulator.writes()).toEqual([])
  })
})

describe('load balancers the file omits', () => {
  it('are removed from the service, as ecspresso removes them, and the dry run says so first', async () => {
    const withPort = {
      ...taskDefinition('256', '512'),
      containerDefinitions: [
        { name: 'app', image: 'registry.example.com/web:v1', portMappings: [{ containerPort: 8080 }] }
      ]
    }
    const seeded = emulator.seedTaskDefinition(withPort)
    const targetGroupArn =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
    emulator.seedService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: seeded,
      launchType: 'FARGATE',
      networkConfiguration: network,
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 8080 }]
    })
    await project({ td: withPort })
    const plan = await run({ 'dry-run': 'true' })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.outputs.diff).toContain(`-      "targetGroupArn": "${targetGroupArn}"`)

    const deploy = await run()
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    expect(emulator.calls('UpdateService')[0]!.params).toMatchObject({ loadBalancers: [] })
    expect(emulator.describeService('prod', 'web').loadBalancers).toEqual([])
  })
})

describe('service tags are synced to the file', () => {
  it('a file without tags wants none: every tag but the ignored ones is removed, as the dry run says', async () => {
    const seeded = emulator.seedTaskDefinition(taskDefinition('256', '512'))
    emulator.seedService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: seeded,
      launchType: 'FARGATE',
      networkConfiguration: network,
      tags: [
        { key: 'team', value: 'web' },
        { key: 'owner', value: 'terraform' }
      ]
    })
    await project({
      config:
        'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\nignore:\n  tags: [owner]\n'
    })
    const plan = await run({ 'dry-run': 'true' })
    expect(plan.outputs['has-changes']).toBe('true')
    expect(plan.outputs.diff).toContain('-      "key": "team"')
    expect(plan.outputs.diff).not.toContain('owner')

    const deploy = await run()
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    expect(writes()).toEqual(['UpdateService', 'UntagResource'])
    expect(emulator.calls('UntagResource')[0]!.params).toMatchObject({ tagKeys: ['team'] })
    expect(emulator.describeService('prod', 'web')).toMatchObject({
      tags: [{ key: 'owner', value: 'terraform' }]
    })
  })
})

describe('task cpu and memory units', () => {
  it('"1 vcpu" and "2 GB" register as 1024 and 2048, and then compare equal to them: no diff, no write', async () => {
    await project({ td: taskDefinition('1 vcpu', '2 GB') })
    const first = await run()
    expect(first.exitCode, first.stdout).toBe(0)
    expect(emulator.calls('RegisterTaskDefinition')[0]!.params).toMatchObject({ cpu: '1024', memory: '2048' })
    expect(first.outputs['task-definition-arn']).toBe(`${ARN}:1`)
    emulator.clearLog()

    for (const [cpu, memory] of [
      ['1 vcpu', '2 GB'],
      ['1024', '2048'],
      ['1 VCPU', '2gb'],
      ['1.0 vCPU', '2048 MiB']
    ] as const) {
      await project({ td: taskDefinition(cpu, memory) })
      const plan = await run({ 'dry-run': 'true' })
      expect(plan.outputs['has-changes'], `${cpu} / ${memory}`).toBe('false')
    }
    const again = await run()
    expect(again.exitCode, again.stdout).toBe(0)
    expect(emulator.writes()).toEqual([])
  })

  it('a size that is none stops the run before any write, located in the file', async () => {
    await project({ td: taskDefinition('2 cores', '512') })
    const result = await run()
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout).toContain('td.json:1:')
    expect(result.stdout).toContain('cpu is "2 cores", which is not a task cpu size')
    expect(emulator.writes()).toEqual([])
  })
})
