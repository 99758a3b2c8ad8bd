// README's least-privilege IAM policies, tied to the calls the action makes: each command runs through
// dist/index.js against the emulator (ECS, Auto Scaling) and moto (IAM, ECR, SSM, …) behind one proxy that logs
// every call as its IAM action. Every action called must be in the README policy for that mode, and every
// action the policy lists must be called or say here why these runs do not call it.
//
// A new command is a row in `modes` (and a `<!-- iam-policy:NAME -->` marker before its policy in README).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, it } from '@jest/globals'
import { describeWithMoto } from '../helpers/moto.js'
import { expect } from '../helpers/expect.js'
import { repoRoot } from '../helpers/run-action.js'
import { runOn, serviceDefinition, startWorld, taskDefinition, type World } from './verify-world.js'

/** The IAM actions of the JSON policy that follows `<!-- iam-policy:NAME -->` in README.md. */
export function readmePolicy(readme: string, name: string): Set<string> {
  const marker = `<!-- iam-policy:${name} -->`
  const at = readme.indexOf(marker)
  if (at < 0) throw new Error(`README.md has no ${marker}`)
  const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(at))
  if (!block) throw new Error(`no JSON block after ${marker}`)
  const policy = JSON.parse(block[1]!) as { Statement: { Action: string | string[] }[] }
  return new Set(policy.Statement.flatMap(s => (Array.isArray(s.Action) ? s.Action : [s.Action])))
}

interface Mode {
  /** What runs, as the test's name. */
  readonly name: string
  /** README policies (markers) that together grant this mode; empty: the mode needs no AWS access. */
  readonly policies: readonly string[]
  /** The runs, in order; each must exit 0. */
  readonly runs: readonly Record<string, string>[]
  /** Actions the policies list that these runs do not call, each with the reason. */
  readonly notCalled?: Readonly<Record<string, string>>
  /** The service definition the runs deploy, when not the world's rolling one. */
  readonly serviceDefinition?: (world: World) => Record<string, unknown>
}

const DEPLOY_NOT_CALLED = {
  'iam:PassRole':
    'checked by IAM when RegisterTaskDefinition and CreateService pass the roles; no call of its own',
  'ecs:ListTaskDefinitions': 'skip-task-definition with latest-task-definition: the family’s newest revision',
  'ecs:ListTasks': 'diagnostics of stopped tasks when a rollout fails',
  'ecs:DescribeTasks': 'diagnostics of stopped tasks when a rollout fails',
  'ecs:UntagResource': 'a tag removed from the service definition',
  'ecs:TagResource':
    'IAM checks it when RegisterTaskDefinition or CreateService carry tags (tag on create); called only when a live service’s tags change',
  'ecs:DescribeServiceDeployments': 'a service whose deployment carries a service deployment ARN',
  'ecs:ListServiceDeployments': 'a service whose deployment carries a service deployment ARN'
}

const modes: readonly Mode[] = [
  {
    name: 'deploy (create, then update and wait)',
    policies: ['deploy'],
    runs: [{}, { images: 'app=123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2' }],
    notCalled: DEPLOY_NOT_CALLED
  },
  {
    name: 'deploy with verify: true',
    policies: ['deploy', 'verify'],
    runs: [{ verify: 'true', 'force-new-deployment': 'true' }],
    notCalled: { ...DEPLOY_NOT_CALLED, 'ecs:CreateService': 'the service exists already' }
  },
  {
    name: 'dry run',
    policies: ['dry-run'],
    runs: [{ 'dry-run': 'true' }],
    notCalled: {
      'ecs:ListTagsForResource':
        'tags are read with include: TAGS on the describe calls; kept for accounts whose policies check it there'
    }
  },
  { name: 'render', policies: [], runs: [{ command: 'render' }] },
  { name: 'verify', policies: ['verify'], runs: [{ command: 'verify' }] },
  {
    name: 'run (a one-off task, until it runs)',
    policies: ['run'],
    runs: [{ command: 'run', 'wait-until': 'running' }],
    notCalled: {
      'iam:PassRole':
        'checked by IAM when RegisterTaskDefinition and RunTask pass the roles; no call of its own',
      'ecs:ListTaskDefinitions': 'a RegisterTaskDefinition whose reply was lost, or latest-task-definition',
      'ecs:RegisterTaskDefinition': 'the rendered definition equals the service’s revision, which is reused',
      'ecs:TagResource': 'IAM checks it when RegisterTaskDefinition or RunTask carry tags (tag on create)',
      'ecs:StopTask': 'a timeout or a cancellation stops the tasks'
    }
  },
  {
    // Last: it turns the world's service into an ECS-native blue/green one.
    name: 'ECS-native deploy with wait-until: paused, then promote',
    policies: ['deploy-native'],
    runs: [{ 'wait-until': 'paused', 'force-new-deployment': 'true' }, { command: 'promote' }],
    serviceDefinition: world => {
      const rolling = serviceDefinition(world) as { loadBalancers: Record<string, unknown>[] }
      return {
        ...rolling,
        loadBalancers: rolling.loadBalancers.map(lb => ({
          ...lb,
          advancedConfiguration: {
            alternateTargetGroupArn: world.targetGroup9090,
            productionListenerRule:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/1111111111111111',
            roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers'
          }
        })),
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 0,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
        }
      }
    },
    notCalled: {
      ...DEPLOY_NOT_CALLED,
      'ecs:CreateService': 'the service exists already',
      'ecs:RegisterTaskDefinition': 'the rendered definition equals the service’s revision, which is reused',
      'ecs:StopServiceDeployment':
        'rollback-events on a timeout, an error or a cancellation, and command: rollback'
    }
  }
]

let world: World
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')

beforeAll(async () => {
  world = (await startWorld())!
}, 180_000)

afterAll(async () => {
  await world?.close()
})

describeWithMoto("README's IAM policies", () => {
  it.each(modes.map(m => [m.name, m] as const))(
    '%s: calls only what its policy lists',
    async (_, mode) => {
      world.proxy.clear()
      for (const inputs of mode.runs) {
        const run = await runOn(
          world,
          {
            taskDefinition: taskDefinition(world),
            serviceDefinition: (mode.serviceDefinition ?? serviceDefinition)(world)
          },
          inputs
        )
        expect(run.errors).toEqual([])
        expect(run.exitCode).toBe(0)
      }
      const called = world.proxy.actions()
      const listed = new Set(mode.policies.flatMap(name => [...readmePolicy(readme, name)]))
      expect(called.filter(action => !listed.has(action))).toEqual([])
      const unused = [...listed].filter(
        action => !called.includes(action) && !(action in (mode.notCalled ?? {}))
      )
      expect(unused).toEqual([])
      if (mode.policies.length === 0) expect(called).toEqual([])
    },
    120_000
  )
})
