/**
 * The world `command: verify` checks, for black-box runs of dist/index.js: moto server holds the IAM roles,
 * the ECR image, the SSM parameter, the secret, the log group, the target groups, the subnet and the security
 * group; the emulator holds the ECS cluster; a local registry (with Docker Hub's anonymous token flow) holds a
 * sidecar image. One proxy endpoint routes the calls and logs each as its IAM action.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client
} from '@aws-sdk/client-ec2'
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr'
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { startMoto, type Moto } from '../../test/moto/index.js'
import { startAwsProxy, type AwsProxy } from '../../test/moto/proxy.js'
import { runAction, type ActionRun } from '../helpers/run-action.js'

export const ACCOUNT = '123456789012'
export const ECR_IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web`

export interface World {
  readonly moto: Moto
  readonly emulator: Emulator
  readonly proxy: AwsProxy
  readonly registry: { readonly host: string; close(): Promise<void> }
  readonly secretArn: string
  readonly targetGroup8080: string
  readonly targetGroup9090: string
  readonly subnet: string
  readonly securityGroup: string
  /** The digest ECR holds for web:v1. */
  readonly digest: string
  close(): Promise<void>
}

const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]
  })

const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 7023,
    digest: `sha256:${'b'.repeat(64)}`
  },
  layers: []
})

/** A registry with one image (envoy:v1.30) behind an anonymous bearer token, as Docker Hub serves them. */
async function startRegistry(): Promise<{ host: string; close(): Promise<void> }> {
  let base = ''
  const server: Server = createServer((req, res): void => {
    const url = new URL(req.url ?? '/', base)
    if (url.pathname === '/token') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ token: 'anonymous-pull' }))
      return
    }
    if (req.headers.authorization !== 'Bearer anonymous-pull') {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${base}/token",service="registry.test",scope="repository:proxy/envoy:pull"`
      })
      res.end()
      return
    }
    if (url.pathname === '/v2/proxy/envoy/manifests/v1.30') {
      res.writeHead(200, { 'docker-content-digest': `sha256:${'e'.repeat(64)}` })
      res.end()
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  base = `http://${host}`
  return {
    host,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

/** Starts moto (undefined without Python), the emulator, the proxy and the registry, and seeds them. */
export async function startWorld(): Promise<World | undefined> {
  const moto = await startMoto()
  if (moto === undefined) return undefined
  const emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  const proxy = await startAwsProxy({ emulator: emulator.endpoint, moto: moto.endpoint })
  const registry = await startRegistry()
  const common = {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  }
  const iam = new IAMClient(common)
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'web-task',
      AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com')
    })
  )
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ecsTaskExecutionRole',
      AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com')
    })
  )
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'lambda-only',
      AssumeRolePolicyDocument: trust('lambda.amazonaws.com')
    })
  )
  const ecr = new ECRClient(common)
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }))
  const put = await ecr.send(
    new PutImageCommand({ repositoryName: 'web', imageTag: 'v1', imageManifest: manifest })
  )
  await ecr.send(new PutImageCommand({ repositoryName: 'web', imageTag: 'latest', imageManifest: manifest }))
  await new SSMClient(common).send(
    new PutParameterCommand({ Name: '/web/db-password', Type: 'SecureString', Value: 'hunter2' })
  )
  const secret = await new SecretsManagerClient(common).send(
    new CreateSecretCommand({ Name: 'web/api-key', SecretString: '{"key":"s3cr3t"}' })
  )
  await new CloudWatchLogsClient(common).send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' }))
  const ec2 = new EC2Client(common)
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))
  const vpcId = vpc.Vpc!.VpcId!
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId })
  )
  const elb = new ElasticLoadBalancingV2Client(common)
  const tg = async (name: string, port: number) =>
    (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: name,
          Port: port,
          Protocol: 'HTTP',
          TargetType: 'ip',
          VpcId: vpcId
        })
      )
    ).TargetGroups![0]!.TargetGroupArn!
  const world: World = {
    moto,
    emulator,
    proxy,
    registry,
    secretArn: secret.ARN!,
    targetGroup8080: await tg('web-8080', 8080),
    targetGroup9090: await tg('web-9090', 9090),
    subnet: subnet.Subnet!.SubnetId!,
    securityGroup: sg.GroupId!,
    digest: put.image!.imageId!.imageDigest!,
    close: async () => {
      await proxy.close()
      await registry.close()
      await emulator.close()
      await moto.stop()
    }
  }
  return world
}

/** A task definition that names one of everything verify checks. */
export function taskDefinition(world: World): Record<string, unknown> {
  return {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'app',
        image: `${ECR_IMAGE}:v1`,
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web/db-password` },
          { name: 'API_KEY', valueFrom: `${world.secretArn}:key::` }
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/web',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'web'
          }
        }
      },
      {
        name: 'envoy',
        image: `${world.registry.host}/proxy/envoy:v1.30`,
        essential: false,
        repositoryCredentials: { credentialsParameter: world.secretArn }
      }
    ]
  }
}

export function serviceDefinition(world: World): Record<string, unknown> {
  return {
    desiredCount: 1,
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [world.subnet],
        securityGroups: [world.securityGroup],
        assignPublicIp: 'DISABLED'
      }
    },
    loadBalancers: [{ targetGroupArn: world.targetGroup8080, containerName: 'app', containerPort: 8080 }]
  }
}

export interface Project {
  readonly taskDefinition: Record<string, unknown>
  readonly serviceDefinition: Record<string, unknown>
  readonly cluster?: string
}

/** Writes an ecspresso project and runs the action on it against the world. */
export async function runOn(
  world: World,
  project: Project,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'verify-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    `region: us-east-1\ncluster: ${project.cluster ?? 'prod'}\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n`
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(project.taskDefinition, null, 2))
  await writeFile(join(dir, 'sd.json'), JSON.stringify(project.serviceDefinition, null, 2))
  return runAction({
    cwd: dir,
    inputs: { config: 'ecspresso.yml', ...inputs },
    env: {
      AWS_ENDPOINT_URL: world.proxy.endpoint,
      AWS_REGION: 'us-east-1',
      ECS_DEPLOY_ACTION_POLL_MS: '100',
      ...env
    }
  })
}
