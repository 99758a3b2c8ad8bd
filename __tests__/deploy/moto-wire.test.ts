// The deploy's requests against moto server, an independent implementation of the ECS API: the same
// register + create + update + describe sequence must be accepted by moto and by our emulator, and leave both
// in the same state. (moto's deployments never move, so the watch is not part of this check.)
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { expect, it } from '@jest/globals'
import { createAwsClients } from '../../src/aws/clients.js'
import { runDeploy } from '../../src/commands/deploy.js'
import { memoryLogger } from '../../src/log.js'
import type { Emulator } from '../../test/emulator/index.js'
import { describeWithMoto, motoAndEmulator } from '../helpers/moto.js'
import { context, project } from './harness.js'

process.env.AWS_ACCESS_KEY_ID ??= 'testing'
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing'

const taskDefinition = (image: string) => ({
  family: 'wire',
  networkMode: 'bridge' as const,
  requiresCompatibilities: ['EC2' as const],
  containerDefinitions: [
    {
      name: 'app',
      image,
      memory: 256,
      essential: true,
      portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' as const }],
      environment: [{ name: 'MODE', value: 'wire' }]
    }
  ],
  tags: [{ key: 'Team', value: 'platform' }]
})
const serviceDefinition = {
  launchType: 'EC2' as const,
  desiredCount: 1,
  tags: [{ key: 'Team', value: 'platform' }]
}

interface Target {
  name: string
  endpoint: string
}

/** Deploys image v1 (creating the service), then v2 (updating it), without waiting; returns what AWS holds. */
async function deployTwice(target: Target) {
  const ecs = new ECSClient({ region: 'us-east-1', endpoint: target.endpoint })
  await ecs.send(new CreateClusterCommand({ clusterName: 'wire' }))
  const results = []
  for (const image of ['registry.example.com/wire:v1', 'registry.example.com/wire:v2']) {
    const { ctx } = context({ endpoint: target.endpoint } as Emulator, { wait: false })
    const deployCtx = {
      ...ctx,
      log: memoryLogger(),
      awsClients: (region: string) => createAwsClients({ region, endpoint: target.endpoint, maxAttempts: 2 }),
      clock: { now: () => Date.now(), sleep: () => Promise.resolve() }
    }
    results.push(
      await runDeploy(
        deployCtx,
        project({
          taskDefinition: taskDefinition(image),
          serviceDefinition,
          config: { cluster: 'wire', service: 'app' }
        })
      )
    )
  }
  const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'wire', services: ['app'] })))
    .services?.[0]
  const td = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition ?? '', include: ['TAGS'] })
  )
  return { results, service, td }
}

describeWithMoto('deploy requests on the wire: emulator and moto agree', () => {
  const { moto, emulator } = motoAndEmulator()

  it('register + create, then register + update, accepted by both with the same end state', async () => {
    const onMoto = await deployTwice({ name: 'moto', endpoint: moto().endpoint })
    const onEmulator = await deployTwice({ name: 'emulator', endpoint: emulator().endpoint })
    for (const side of [onMoto, onEmulator]) {
      expect(side.results.map(r => r.status)).toEqual(['started', 'started'])
      expect(side.service?.taskDefinition).toMatch(/:task-definition\/wire:2$/)
      expect(side.service?.desiredCount).toBe(1)
      expect(side.service?.launchType).toBe('EC2')
      expect(side.td.taskDefinition?.containerDefinitions?.[0]?.image).toBe('registry.example.com/wire:v2')
      expect(side.td.tags).toContainEqual({ key: 'Team', value: 'platform' })
    }
    const shape = (side: typeof onMoto) => ({
      family: side.td.taskDefinition?.family,
      revision: side.td.taskDefinition?.revision,
      containers: side.td.taskDefinition?.containerDefinitions?.map(c => ({
        name: c.name,
        image: c.image,
        memory: c.memory,
        environment: c.environment,
        portMappings: c.portMappings
      })),
      outputs: side.results.map(r => ({
        status: r.outputs.status,
        taskDefinition: r.outputs['task-definition-arn']?.replace(/^.*:task-definition\//, ''),
        service: r.outputs['service-arn']?.replace(/^.*:service\//, '')
      }))
    })
    expect(shape(onEmulator)).toEqual(shape(onMoto))
  })
})
