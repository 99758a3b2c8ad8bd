// rollback, register and keep-revisions against moto server, an independent implementation of the ECS API:
// ListTaskDefinitions, RegisterTaskDefinition, UpdateService and DeregisterTaskDefinition as these commands
// send them must be accepted by moto and by our emulator, and leave both in the same state. (moto's
// deployments never move, so nothing is waited for.)
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand
} from '@aws-sdk/client-ecs'
import { expect, it } from '@jest/globals'
import { createAwsClients } from '../../src/aws/clients.js'
import { runDeploy } from '../../src/commands/deploy.js'
import { runRegister } from '../../src/commands/register.js'
import { runRollback } from '../../src/commands/rollback.js'
import type { ActionInputs } from '../../src/inputs.js'
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
  containerDefinitions: [{ name: 'app', image, memory: 256, essential: true }]
})

/** deploy v1 (create), deploy v2, rollback (to wire:1), register v3 and v4 with keep-revisions: 1. */
async function sequence(endpoint: string) {
  const ecs = new ECSClient({ region: 'us-east-1', endpoint })
  await ecs.send(new CreateClusterCommand({ clusterName: 'wire' }))
  const step = (inputs: Partial<ActionInputs>) => {
    const { ctx } = context({ endpoint } as Emulator, { wait: false, ...inputs })
    return {
      ...ctx,
      log: memoryLogger(),
      awsClients: (region: string) => createAwsClients({ region, endpoint, maxAttempts: 2 }),
      clock: { now: () => Date.now(), sleep: () => Promise.resolve() }
    }
  }
  const at = (image: string) =>
    project({
      taskDefinition: taskDefinition(image),
      serviceDefinition: { launchType: 'EC2', desiredCount: 1 },
      config: { cluster: 'wire', service: 'app' }
    })
  const statuses: string[] = []
  for (const image of ['registry.example.com/wire:v1', 'registry.example.com/wire:v2'])
    statuses.push((await runDeploy(step({}), at(image))).status)
  const rollback = await runRollback(step({ command: 'rollback', deregister: false }), at('unused'))
  statuses.push(rollback.status)
  for (const image of ['registry.example.com/wire:v3', 'registry.example.com/wire:v4'])
    statuses.push((await runRegister(step({ command: 'register', keepRevisions: 1 }), at(image))).status)
  const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'wire', services: ['app'] })))
    .services?.[0]
  const active = (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'wire', status: 'ACTIVE' })))
    .taskDefinitionArns
  const inactive = (
    await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'wire', status: 'INACTIVE' }))
  ).taskDefinitionArns
  ecs.destroy()
  const name = (arn: string | undefined) => arn?.replace(/^.*:task-definition\//, '')
  return {
    statuses,
    running: name(service?.taskDefinition),
    rolledBackTo: name(rollback.outputs['task-definition-arn']),
    active: (active ?? []).map(name).sort(),
    inactive: (inactive ?? []).map(name).sort()
  }
}

describeWithMoto('rollback, register and keep-revisions on the wire: emulator and moto agree', () => {
  const { moto, emulator } = motoAndEmulator()

  it('the same requests are accepted by both and leave the same revisions', async () => {
    const onMoto = await sequence(moto().endpoint)
    const onEmulator = await sequence(emulator().endpoint)
    expect(onMoto).toEqual({
      statuses: ['started', 'started', 'started', 'registered', 'registered'],
      running: 'wire:1',
      rolledBackTo: 'wire:1',
      active: ['wire:3', 'wire:4'],
      inactive: ['wire:1', 'wire:2']
    })
    expect(onEmulator).toEqual(onMoto)
  })
})
