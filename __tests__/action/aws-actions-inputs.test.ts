// For aws-actions users: `cluster`, `service` and `task-definition` without an ecspresso.yml, and over one as
// ecspresso's flags. The bundled action against the emulator, run as the runner runs it.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { stringify } from 'yaml'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const definition = (image: string) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }]
})

/** What amazon-ecs-render-task-definition writes: a describe-task-definition output with a new image. */
const rendered = (image: string) => ({
  ...definition(image),
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
  revision: 1,
  status: 'ACTIVE',
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
  compatibilities: ['EC2', 'FARGATE'],
  registeredAt: '2025-01-01T00:00:00.000Z',
  registeredBy: 'arn:aws:iam::123456789012:role/ci'
})

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  dir = await mkdtemp(join(tmpdir(), 'aws-actions-'))
  for (const cluster of ['prod', 'staging']) {
    emulator.createCluster(cluster)
    const v1 = emulator.seedTaskDefinition(definition('registry.example.com/web:v1'))
    for (const serviceName of ['web', 'web-canary'])
      emulator.seedService({
        cluster,
        serviceName,
        taskDefinition: v1,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } }
      })
  }
})

afterEach(async () => {
  await emulator.close()
})

const run = (inputs: Record<string, string>) =>
  runAction({
    cwd: dir,
    inputs,
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
  })

const updates = () =>
  emulator.calls('UpdateService').map(c => `${String(c.params.cluster)}/${String(c.params.service)}`)

describe('cluster, service and task-definition without a config', () => {
  it('deploy the rendered task definition file (JSON, as amazon-ecs-render-task-definition writes it)', async () => {
    await writeFile(
      join(dir, 'task-definition.json'),
      JSON.stringify(rendered('registry.example.com/web:v2'))
    )
    const result = await run({ cluster: 'prod', service: 'web', 'task-definition': 'task-definition.json' })
    expect(result.errors).toEqual([])
    expect(result.outputs.status).toBe('succeeded')
    expect(result.outputs['task-definition-arn']).toBe(
      'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3'
    )
    expect(emulator.calls('RegisterTaskDefinition')[0]!.params).not.toHaveProperty('revision')
    expect(updates()).toEqual(['prod/web'])
  })

  it('read a YAML task definition, and a dry run diffs it', async () => {
    await writeFile(join(dir, 'td.yaml'), stringify(definition('registry.example.com/web:v3')))
    const result = await run({
      cluster: 'prod',
      service: 'web',
      'task-definition': 'td.yaml',
      'dry-run': 'true'
    })
    expect(result.errors).toEqual([])
    expect(result.outputs['has-changes']).toBe('true')
    expect(result.outputs.diff).toContain('+      "image": "registry.example.com/web:v3"')
    expect(emulator.writes()).toEqual([])
  })

  it('use the cluster named default when only service and task-definition are given', async () => {
    await writeFile(join(dir, 'td.json'), JSON.stringify(definition('registry.example.com/web:v2')))
    const result = await run({ service: 'web', 'task-definition': 'td.json', 'dry-run': 'true' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors[0]).toContain('default')
    expect(emulator.writes()).toEqual([])
  })

  it('without them and without the file, say the config is missing', async () => {
    const result = await run({})
    expect(result.exitCode).not.toBe(0)
    expect(result.errors[0]).toMatch(/config file not found/)
    expect(emulator.requests).toEqual([])
  })
})

describe('cluster, service and task-definition over a config', () => {
  beforeEach(async () => {
    await writeFile(
      join(dir, 'ecspresso.yml'),
      'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\n'
    )
    await writeFile(join(dir, 'td.json'), JSON.stringify(definition('registry.example.com/web:from-config')))
    await writeFile(
      join(dir, 'other.json'),
      JSON.stringify(definition('registry.example.com/web:from-input'))
    )
  })

  it('override the config values, as ecspresso flags do', async () => {
    const result = await run({ cluster: 'staging', service: 'web-canary', 'task-definition': 'other.json' })
    expect(result.errors).toEqual([])
    expect(updates()).toEqual(['staging/web-canary'])
    const registered = emulator.calls('RegisterTaskDefinition')[0]!.params as {
      containerDefinitions: { image: string }[]
    }
    expect(registered.containerDefinitions[0]!.image).toBe('registry.example.com/web:from-input')
  })

  it('leave the config alone when not given', async () => {
    const result = await run({})
    expect(result.errors).toEqual([])
    expect(updates()).toEqual(['prod/web'])
  })
})

describe('a task-definition file that is not there', () => {
  it('is one error naming the file, with nothing written', async () => {
    const result = await run({ cluster: 'prod', service: 'web', 'task-definition': 'rendered/missing.json' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/definition file not found: rendered\/missing\.json/)
    expect(result.errors[0]).toMatch(/task-definition input, to the workspace/)
    expect(emulator.writes()).toEqual([])
  })
})
