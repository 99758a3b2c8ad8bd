// `command: verify` and `verify: true` through dist/index.js: every check passing, each failing once, a denied
// check as a warning, and a deploy stopped before its first write. moto serves IAM, ECR, SSM, Secrets
// Manager, CloudWatch Logs, ELBv2 and EC2; the emulator serves ECS; a local registry serves a sidecar image.
import { afterAll, beforeAll, beforeEach, it } from '@jest/globals'
import { describeWithMoto } from '../helpers/moto.js'
import { expect } from '../helpers/expect.js'
import {
  ACCOUNT,
  ECR_IMAGE,
  runOn,
  serviceDefinition,
  startWorld,
  taskDefinition,
  type Project,
  type World
} from './verify-world.js'

let world: World

beforeAll(async () => {
  world = (await startWorld())!
}, 180_000)

afterAll(async () => {
  await world?.close()
})

beforeEach(() => {
  world.proxy.clear()
  world.emulator.faults.clear()
  world.emulator.clearLog()
})

type Definition = Record<string, unknown>
const containers = (td: Definition) => td.containerDefinitions as Definition[]

/** The base project, changed by `change` (which edits the task and service definitions in place). */
function project(
  change: (td: Definition, sd: Definition) => void = () => undefined,
  cluster?: string
): Project {
  const td = taskDefinition(world)
  const sd = serviceDefinition(world)
  change(td, sd)
  return { taskDefinition: td, serviceDefinition: sd, ...(cluster === undefined ? {} : { cluster }) }
}

const warnings = (stdout: string) => stdout.split('\n').filter(line => line.startsWith('::warning'))

describeWithMoto('command: verify', () => {
  it('passes every check, shows the digest the ECR tag resolves to, and writes nothing', async () => {
    const run = await runOn(world, project(), { command: 'verify' })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('verified')
    const rows = run.summary.split('\n').filter(line => line.startsWith('| ✅'))
    // cluster, capacity provider, 2 images, 2 roles, 3 secrets, log group, target group, subnet, security group
    expect(rows).toHaveLength(13)
    expect(run.summary).toContain('✅ Verify: prod/web verified')
    expect(run.summary).toContain(`v1 → ${world.digest}`)
    expect(run.summary).toContain(`→ sha256:${'e'.repeat(64)}`) // the sidecar, from the registry's manifest
    for (const action of [
      'ecs:DescribeClusters',
      'ecr:DescribeImages',
      'iam:GetRole',
      'ssm:GetParameters',
      'secretsmanager:DescribeSecret',
      'logs:DescribeLogGroups',
      'elasticloadbalancing:DescribeTargetGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups'
    ]) {
      expect(run.summary).toContain(`\`${action}\``)
      expect(world.proxy.actions()).toContain(action)
    }
    expect(world.proxy.writes()).toEqual([])
    expect(world.emulator.writes()).toEqual([])
  })

  const failures: Array<[string, Project | (() => Project), RegExp]> = [
    [
      'an image tag missing',
      () => project(td => (containers(td)[0]!.image = `${ECR_IMAGE}:v404`)),
      /image .*web:v404.*v404 is not in repository web/
    ],
    [
      'a registry image missing',
      () => project(td => (containers(td)[1]!.image = `${world.registry.host}/proxy/envoy:v9`)),
      /v9 is not in 127\.0\.0\.1:\d+\/proxy\/envoy/
    ],
    [
      'a role missing',
      () => project(td => (td.taskRoleArn = `arn:aws:iam::${ACCOUNT}:role/nobody`)),
      /task role .*role nobody does not exist/
    ],
    [
      'a role not trusting ecs-tasks',
      () => project(td => (td.executionRoleArn = `arn:aws:iam::${ACCOUNT}:role/lambda-only`)),
      /execution role .*role lambda-only does not trust ecs-tasks\.amazonaws\.com/
    ],
    [
      'an SSM parameter missing',
      () =>
        project(td => {
          ;(containers(td)[0]!.secrets as Definition[])[0]!.valueFrom = '/web/missing'
        }),
      /SSM parameter \/web\/missing .*does not exist/
    ],
    [
      'a secret missing',
      () =>
        project(td => {
          containers(td)[1]!.repositoryCredentials = {
            credentialsParameter: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:gone-AbCdEf`
          }
        }),
      /secret .*gone-AbCdEf \(container envoy: repositoryCredentials\): secret .* does not exist/
    ],
    [
      'a log group missing',
      () =>
        project(td => {
          ;(containers(td)[0]!.logConfiguration as { options: Record<string, string> }).options[
            'awslogs-group'
          ] = '/ecs/missing'
        }),
      /log group \/ecs\/missing .*does not exist in us-east-1/
    ],
    [
      'a target group whose port is not the container port',
      () =>
        project((td, sd) => {
          ;(sd.loadBalancers as Definition[])[0]!.targetGroupArn = world.targetGroup9090
        }),
      /target group web-9090: its port 9090 is not the container port 8080/
    ],
    [
      'a subnet missing',
      () =>
        project((_, sd) => {
          ;(sd.networkConfiguration as { awsvpcConfiguration: Definition }).awsvpcConfiguration.subnets = [
            world.subnet,
            'subnet-0000000000000dead'
          ]
        }),
      /subnet subnet-0000000000000dead .*does not exist/
    ],
    [
      'a security group missing',
      () =>
        project((_, sd) => {
          ;(
            sd.networkConfiguration as { awsvpcConfiguration: Definition }
          ).awsvpcConfiguration.securityGroups = ['sg-0000000000000dead']
        }),
      /security group sg-0000000000000dead .*does not exist/
    ],
    [
      'the cluster missing',
      () => project(undefined, 'staging'),
      /cluster staging .*does not exist in us-east-1/
    ],
    [
      'a capacity provider the cluster lacks',
      () => project((_, sd) => (sd.capacityProviderStrategy = [{ capacityProvider: 'spot-asg', weight: 1 }])),
      /capacity provider spot-asg .*cluster prod has no capacity provider spot-asg \(it has: FARGATE, FARGATE_SPOT\)/
    ],
    [
      'an image tagged latest',
      () => project(td => (containers(td)[0]!.image = `${ECR_IMAGE}:latest`)),
      /image tag .*web:latest .*tag latest moves/
    ]
  ]

  it.each(failures)('fails on %s, naming it, with nothing written', async (_, make, message) => {
    const run = await runOn(world, typeof make === 'function' ? make() : make, { command: 'verify' })
    expect(run.exitCode).not.toBe(0)
    expect(run.outputs.status).toBe('failed')
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/^verify failed: 1 check failed/)
    expect(run.errors[0]).toMatch(message)
    expect(run.summary).toMatch(/❌ Verify: 1 of \d+ checks failed for prod|staging/)
    expect(world.proxy.writes()).toEqual([])
    expect(world.emulator.writes()).toEqual([])
  })

  it('reports a denied check as a warning naming the IAM action, and still passes', async () => {
    world.emulator.faults.add({ kind: 'access-denied', operation: 'DescribeClusters' })
    const run = await runOn(world, project(), { command: 'verify' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('verified')
    expect(warnings(run.stdout).join('\n')).toContain(
      'not checked: cluster prod (config): ecs:DescribeClusters was denied'
    )
    expect(run.summary).toMatch(
      /\| ⚠️ \| cluster \| `prod` \| config \| ecs:DescribeClusters was denied \| `ecs:DescribeClusters` \|/
    )
  })

  it('reports a registry it cannot reach as not checked, a warning', async () => {
    const run = await runOn(
      world,
      project(td => (containers(td)[1]!.image = '127.0.0.1:9/proxy/envoy:v1.30')),
      { command: 'verify' }
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('verified')
    expect(warnings(run.stdout).join('\n')).toMatch(
      /not checked: image 127\.0\.0\.1:9\/proxy\/envoy:v1\.30 .*cannot be reached/
    )
  })
})

describeWithMoto('verify: true on a deploy', () => {
  it('stops the deploy before its first write when a check fails', async () => {
    const run = await runOn(
      world,
      project(td => (td.taskRoleArn = `arn:aws:iam::${ACCOUNT}:role/nobody`)),
      { verify: 'true', wait: 'false' }
    )
    expect(run.exitCode).not.toBe(0)
    expect(run.outputs.status).toBe('failed')
    expect(run.errors[0]).toMatch(/verify failed: 1 check failed\n- task role .*role nobody does not exist/)
    expect(run.summary).toMatch(/nothing was written/i)
    expect(world.proxy.writes()).toEqual([])
    expect(world.emulator.writes()).toEqual([])
  })

  it('deploys once every check passes', async () => {
    const run = await runOn(world, project(), { verify: 'true', wait: 'false' })
    expect(run.errors).toEqual([])
    expect(run.outputs.status).toBe('started')
    expect(world.proxy.actions()).toContain('iam:GetRole')
    expect(world.emulator.writes().map(w => w.operation)).toEqual(['RegisterTaskDefinition', 'CreateService'])
  })
})

describeWithMoto('mutable image tags', () => {
  const latest = () =>
    project(td => {
      containers(td)[0]!.image = `${ECR_IMAGE}:latest`
      containers(td)[1]!.image = 'nginx'
    })

  it('warn on a dry run', async () => {
    const run = await runOn(world, latest(), { 'dry-run': 'true' })
    expect(run.exitCode).toBe(0)
    const text = warnings(run.stdout).join('\n')
    expect(text).toContain(
      'container app: image 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:latest has the tag latest'
    )
    expect(text).toContain('container envoy: image nginx has no tag (Docker reads latest)')
  })

  it('warn on a deploy', async () => {
    const run = await runOn(world, latest(), { wait: 'false' })
    expect(run.outputs.status).toBe('started')
    expect(warnings(run.stdout).join('\n')).toContain(
      'a rollback to this revision would not run the same code'
    )
  })

  it('do not warn for a version tag or a digest', async () => {
    const run = await runOn(
      world,
      project(td => (containers(td)[1]!.image = `nginx@sha256:${'a'.repeat(64)}`)),
      { 'dry-run': 'true' }
    )
    expect(warnings(run.stdout).join('\n')).not.toContain('moves')
  })
})
