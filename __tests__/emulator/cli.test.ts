import {
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { startEmulatorProcess, type EmulatorProcess } from '../../test/emulator/process.js'

let emu: EmulatorProcess
let ecs: ECSClient

beforeAll(async () => {
  emu = await startEmulatorProcess(
    {
      clusters: ['prod'],
      taskDefinitions: [{ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1' }] }],
      services: [{ cluster: 'prod', serviceName: 'web', taskDefinition: 'web:1', desiredCount: 2 }],
      scenario: { taskStartSeconds: 10, taskStopSeconds: 5 }
    },
    { speed: 200 }
  )
  ecs = new ECSClient({
    endpoint: emu.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
})

afterAll(async () => {
  ecs.destroy()
  await emu.stop()
})

it('the CLI serves a seeded, steady service and rolls it in scaled real time', async () => {
  expect(emu.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const before = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
    .services![0]!
  expect(before.runningCount).toBe(2)
  expect(before.events![0]!.message).toBe('(service web) has reached a steady state.')
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'nginx:2' }]
    })
  )
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'prod',
      service: 'web',
      taskDefinition: taskDefinition!.taskDefinitionArn!
    })
  )
  let deployments = 2
  for (let i = 0; i < 100 && deployments !== 1; i++) {
    await new Promise(resolve => setTimeout(resolve, 50))
    deployments = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services![0]!.deployments!.length
  }
  expect(deployments).toBe(1)
})
