import {
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient
} from '@aws-sdk/client-application-auto-scaling'
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  waitUntilServicesInactive,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { clients, network, webTaskDefinition } from './helpers.js'

let emulator: Emulator
let ecs: ECSClient
let aas: ApplicationAutoScalingClient

beforeAll(async () => {
  emulator = await startEmulator()
  ;({ ecs, autoscaling: aas } = clients(emulator, 1))
  emulator.createCluster('prod')
})

afterAll(async () => {
  ecs.destroy()
  aas.destroy()
  await emulator.close()
})

describe('task definitions', () => {
  it('registers revisions with defaults filled in, describes with tags, lists by prefix and order', async () => {
    const first = await ecs.send(
      new RegisterTaskDefinitionCommand({
        ...webTaskDefinition('nginx:1'),
        tags: [{ key: 'team', value: 'web' }]
      })
    )
    const td = first.taskDefinition!
    expect(td.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1')
    expect(td.revision).toBe(1)
    expect(td.status).toBe('ACTIVE')
    expect(td.compatibilities).toEqual(['EC2', 'FARGATE'])
    expect(td.registeredAt).toBeInstanceOf(Date)
    expect(td.containerDefinitions![0]).toMatchObject({
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]
    })
    expect(first.tags).toEqual([{ key: 'team', value: 'web' }])
    await ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('nginx:2')))
    await ecs.send(new RegisterTaskDefinitionCommand({ ...webTaskDefinition('w:1'), family: 'worker' }))

    const latest = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web', include: ['TAGS'] })
    )
    expect(latest.taskDefinition!.revision).toBe(2)
    expect(latest.tags).toEqual([])
    const tagged = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] })
    )
    expect(tagged.tags).toEqual([{ key: 'team', value: 'web' }])
    const untagged = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' }))
    expect(untagged.tags).toBeUndefined()
    await expect(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' }))
    ).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Unable to describe task definition.'
    })

    const all = await ecs.send(new ListTaskDefinitionsCommand({}))
    expect(all.taskDefinitionArns!.map(a => a.split('/')[1])).toEqual(['web:1', 'web:2', 'worker:1'])
    const desc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' }))
    expect(desc.taskDefinitionArns!.map(a => a.split('/')[1])).toEqual(['web:2', 'web:1'])

    const gone = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }))
    expect(gone.taskDefinition!.status).toBe('INACTIVE')
    expect(gone.taskDefinition!.deregisteredAt).toBeInstanceOf(Date)
    const inactive = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'web', status: 'INACTIVE' })
    )
    expect(inactive.taskDefinitionArns!.map(a => a.split('/')[1])).toEqual(['web:1'])
    const paged = await ecs.send(new ListTaskDefinitionsCommand({ maxResults: 1 }))
    expect(paged.taskDefinitionArns).toHaveLength(1)
    expect(paged.nextToken).toBeDefined()
  })
})

describe('services, clusters, tags', () => {
  it('creates, describes (with failures and tags), deletes', async () => {
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'api',
        taskDefinition: 'web',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network,
        tags: [{ key: 'env', value: 'prod' }]
      })
    )
    const s = created.service!
    expect(s).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/api',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 0,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        maximumPercent: 200,
        minimumHealthyPercent: 100
      }
    })
    expect(s.taskDefinition).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:2')
    expect(s.tags).toBeUndefined()
    await expect(
      ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'api', taskDefinition: 'web' }))
    ).rejects.toMatchObject({ name: 'InvalidParameterException' })

    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['api', 'missing'], include: ['TAGS'] })
    )
    expect(described.services![0]!.tags).toEqual([{ key: 'env', value: 'prod' }])
    expect(described.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/missing', reason: 'MISSING' }
    ])
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['api'] }))
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException', $metadata: { httpStatusCode: 400 } })
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'missing', desiredCount: 1 }))
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' })

    const arn = s.serviceArn!
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'owner', value: 'me' }] }))
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }))
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'owner', value: 'me' }
    ])

    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: ['prod', 'nope'] }))
    expect(clusters.clusters![0]).toMatchObject({
      clusterName: 'prod',
      status: 'ACTIVE',
      activeServicesCount: 1
    })
    expect(clusters.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope', reason: 'MISSING' }
    ])

    await expect(
      ecs.send(new DeleteServiceCommand({ cluster: 'prod', service: 'api' }))
    ).rejects.toMatchObject({
      name: 'InvalidParameterException'
    })
    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: 'prod', service: 'api', force: true }))
    expect(deleted.service!.status).toBe('DRAINING')
    await emulator.clock.advance(30_000)
    const result = await waitUntilServicesInactive(
      { client: ecs, maxWaitTime: 5, minDelay: 0.01, maxDelay: 0.01 },
      { cluster: 'prod', services: ['api'] }
    )
    expect(result.state).toBe('SUCCESS')
  })

  it('runs and stops one-off tasks', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'prod',
        taskDefinition: 'worker',
        launchType: 'FARGATE',
        startedBy: 'ecs-deploy-action',
        networkConfiguration: network
      })
    )
    const task = run.tasks![0]!
    expect(task).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      group: 'family:worker'
    })
    await emulator.clock.advance(15_000)
    let d = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [task.taskArn!] }))).tasks![0]!
    expect(d.lastStatus).toBe('RUNNING')
    const stopped = await ecs.send(
      new StopTaskCommand({ cluster: 'prod', task: task.taskArn!, reason: 'done' })
    )
    expect(stopped.task!.desiredStatus).toBe('STOPPED')
    await emulator.clock.advance(10_000)
    d = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [task.taskArn!] }))).tasks![0]!
    expect(d).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'done' })
    const missing = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: ['0123'] }))
    expect(missing.failures).toEqual([{ arn: '0123', reason: 'MISSING' }])
  })
})

describe('application auto scaling', () => {
  it('registers and describes scalable targets', async () => {
    await aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/web',
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 2,
        MaxCapacity: 10
      })
    )
    const out = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ['service/prod/web'] })
    )
    expect(out.ScalableTargets).toHaveLength(1)
    expect(out.ScalableTargets![0]).toMatchObject({
      ResourceId: 'service/prod/web',
      MinCapacity: 2,
      MaxCapacity: 10,
      SuspendedState: { DynamicScalingInSuspended: false }
    })
    expect(out.ScalableTargets![0]!.CreationTime).toBeInstanceOf(Date)
    const none = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ['service/prod/other'] })
    )
    expect(none.ScalableTargets).toEqual([])
  })
})
