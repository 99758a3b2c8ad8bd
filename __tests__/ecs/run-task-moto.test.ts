// `command: run`'s requests against moto server, an independent implementation of ECS and CloudWatch Logs.
// moto 5.2.5 cannot place awsvpc tasks (its ENI attachment raises) nor EC2 tasks without container
// instances, so RunTask is compared where both answer: the refusal of a launch type beside a capacity provider
// strategy. CloudWatch Logs is compared whole: the log tail follows a stream by its forward tokens on both
// and shows the same lines, and a missing log group is refused alike.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand
} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateClusterCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand
} from '@aws-sdk/client-ecs'
import { expect, it } from '@jest/globals'
import { runSettings, runTaskInput } from '../../src/ecs/run-task.js'
import { LogTail } from '../../src/logs/tail.js'
import { describeWithMoto, motoAndEmulator } from '../helpers/moto.js'

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' }

async function runOn(endpoint: string) {
  const config = { region: 'us-east-1', endpoint, credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const logs = new CloudWatchLogsClient(config)
  await ecs.send(new CreateClusterCommand({ clusterName: 'wire' }))
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'migrate',
      networkMode: 'bridge',
      containerDefinitions: [
        { name: 'app', image: 'registry.example.com/web:v1', essential: true, memory: 256 }
      ]
    })
  )
  const both = await ecs
    .send(
      new RunTaskCommand({
        ...runTaskInput({
          cluster: 'wire',
          taskDefinitionArn: td.taskDefinition!.taskDefinitionArn!,
          settings: runSettings({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }, undefined),
          overrides: undefined,
          count: 1,
          clientToken: 'wire-token',
          startedBy: 'ecs-deploy-action/1'
        }),
        launchType: 'EC2'
      })
    )
    .then(
      () => 'accepted',
      (error: Error) => error.name
    )

  // The tail against a stream written in two rounds, polled between them and once more with nothing new.
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/wire' }))
  const stream = 'run/app/0123456789abcdef'
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/wire', logStreamName: stream }))
  const put = (messages: string[], at: number) =>
    logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/wire',
        logStreamName: stream,
        logEvents: messages.map((message, i) => ({ timestamp: at + i, message }))
      })
    )
  const lines: string[] = []
  const warnings: string[] = []
  const tail = new LogTail({
    logs: () => Promise.resolve(logs),
    emit: line => lines.push(line),
    warn: message => warnings.push(message),
    prefixed: false
  })
  tail.add({
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/wire/0123456789abcdef',
    taskId: '0123456789abcdef',
    container: 'app',
    group: '/ecs/wire',
    stream,
    region: 'us-east-1'
  })
  const now = Date.now()
  await put(['Running migrations', '== CreateUsers: migrating'], now)
  await tail.poll()
  await tail.poll()
  await put(['== CreateUsers: migrated', 'done'], now + 10)
  await tail.poll()
  await tail.poll()

  const missing = await logs
    .send(
      new GetLogEventsCommand({ logGroupName: '/ecs/none', logStreamName: 'x/app/y', startFromHead: true })
    )
    .then(
      () => 'no error',
      (error: Error) => `${error.name}: ${error.message}`
    )
  return { both, lines, warnings, missing }
}

describeWithMoto('run requests on the wire: emulator and moto agree', () => {
  const { moto, emulator } = motoAndEmulator()

  it('RunTask refusal, the log tail over GetLogEvents tokens, a missing log group', async () => {
    const onMoto = await runOn(moto().endpoint)
    const onEmulator = await runOn(emulator().endpoint)
    expect(onMoto).toEqual({
      both: 'InvalidParameterException',
      lines: ['Running migrations', '== CreateUsers: migrating', '== CreateUsers: migrated', 'done'],
      warnings: [],
      missing: 'ResourceNotFoundException: The specified log group does not exist.'
    })
    expect(onEmulator).toEqual(onMoto)
  })
})
