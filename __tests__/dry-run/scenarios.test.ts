/* eslint-disable @typescript-eslint/no-explicit-any -- definitions are loose JSON in tests */
/**
 * runDryRun in-process against AWS stand-ins (the emulator, and moto when installed): what it reports for
 * each kind of change, and that it never writes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { runDryRun } from '../../src/commands/dry-run.js'
import { ActionError } from '../../src/errors.js'
import type { Project } from '../../src/project.js'
import { emulatorBackend, motoBackend, writesOf, type Backend } from './backends.js'
import {
  fakeCredentials,
  liveServiceParams,
  liveTaskDefinition,
  loadFixtureProject,
  testContext
} from './helpers.js'
import { findPython, SKIP_REASON, startMoto } from '../../test/moto/index.js'

fakeCredentials()

const backends: { name: string; start: () => Promise<Backend> }[] = [
  { name: 'emulator', start: emulatorBackend }
]
// moto comes from a virtualenv the harness builds with pip; only a machine without Python skips it.
if (findPython()) {
  backends.push({
    name: 'moto',
    start: async () => {
      const moto = await startMoto()
      if (!moto) throw new Error(SKIP_REASON)
      return motoBackend(moto.endpoint, () => moto.stop())
    }
  })
} else {
  console.warn(SKIP_REASON)
}

function edit(project: Project, change: (td: any, sv: any) => void): Project {
  const td = structuredClone(project.taskDefinition) as any
  const sv = structuredClone(project.serviceDefinition) as any
  change(td, sv)
  return { ...project, taskDefinition: td, serviceDefinition: sv }
}

const web = (td: any): any => td.containerDefinitions.find((c: any) => c.name === 'web')

describe.each(backends)('dry run against $name', ({ start }) => {
  let backend: Backend
  let project: Project
  let cluster = 0

  beforeAll(async () => {
    backend = await start()
    project = await loadFixtureProject(backend.network)
    // On a clean machine the first moto start builds its virtualenv with pip.
  }, 300_000)
  afterAll(async () => backend?.close())
  afterEach(() => {
    // Every scenario: reads only.
    expect(writesOf(backend.operations())).toEqual([])
  })

  /** A fresh cluster with the app service running the given task definition; returns a project aimed at it. */
  async function live(
    td: any = liveTaskDefinition(),
    service: any = liveServiceParams(backend.network)
  ): Promise<Project> {
    const name = `prod-${++cluster}`
    await backend.createCluster(name)
    const arn = await backend.registerTaskDefinition(td)
    if (service) await backend.createService({ ...service, cluster: name, taskDefinition: arn })
    backend.clearLog()
    return { ...project, config: { ...project.config, cluster: name } }
  }

  async function dryRun(target: Project, inputs: Record<string, string> = {}) {
    const ctx = testContext({ endpoint: backend.endpoint, inputs })
    const result = await runDryRun(ctx, target)
    return { ...result, log: ctx.log.lines }
  }

  it('reports no change when the files match live (reordered lists, units, server-filled defaults)', async () => {
    const result = await dryRun(await live())
    expect(result.outputs['has-changes']).toBe('false')
    expect(result.outputs.diff).toBe('')
    expect(result.status).toBe('dry-run')
    expect(result.outputs.status).toBe('dry-run')
    expect(result.summary).toContain('app: no changes')
    expect(backend.operations()).toContain('DescribeServices')
    expect(backend.operations()).toContain('DescribeTaskDefinition')
  })

  it('reports an image change', async () => {
    const target = await live()
    const result = await dryRun(edit(target, td => (web(td).image = web(td).image.replace(':v1', ':v2'))))
    expect(result.outputs['has-changes']).toBe('true')
    expect(result.outputs.diff).toMatch(/^--- arn:aws:ecs:us-east-1:\d+:task-definition\/app:\d+$/m)
    expect(result.outputs.diff).toMatch(/^\+\+\+ .*ecs-task-def\.json$/m)
    expect(result.outputs.diff).toContain(
      '+      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2",'
    )
    expect(result.summary).toContain('app: task definition changes in 1 container; service unchanged')
    expect(result.summary).toContain(
      '`web:v1` → `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2`'.slice(1)
    )
  })

  it('reports environment variables added, changed and removed without showing values', async () => {
    const target = await live()
    const result = await dryRun(
      edit(target, td => {
        web(td).environment = [
          { name: 'DATABASE_URL', value: 'postgres://app:correct-horse@db.internal/app' },
          { name: 'FEATURE_FLAGS', value: 'beta' }
        ]
      })
    )
    const diff = result.outputs.diff!
    expect(result.outputs['has-changes']).toBe('true')
    for (const text of [diff, result.summary]) {
      expect(text).not.toContain('hunter2')
      expect(text).not.toContain('correct-horse')
      expect(text).not.toContain('beta')
    }
    expect(diff).toContain('+          "value": "(redacted, changed)"')
    expect(diff).toContain('+          "name": "FEATURE_FLAGS",')
    expect(diff).toContain('-          "name": "LOG_LEVEL",')
  })

  it('shows environment values with redact: false', async () => {
    const target = await live()
    const result = await dryRun(
      edit(target, td => (web(td).environment[0].value = 'debug')),
      { redact: 'false' }
    )
    expect(result.outputs.diff).toContain('+          "value": "debug"')
  })

  it('reports an added container', async () => {
    const target = await live()
    const result = await dryRun(
      edit(target, td =>
        td.containerDefinitions.push({ name: 'sidecar', image: 'public.ecr.aws/nginx/nginx:1.27' })
      )
    )
    expect(result.outputs['has-changes']).toBe('true')
    expect(result.summary).toContain('task definition changes in 1 added container')
    expect(result.summary).toContain('`sidecar`: (new container) → `public.ecr.aws/nginx/nginx:1.27`')
  })

  it('reports service changes: desired count, network, deployment configuration', async () => {
    const target = await live()
    const result = await dryRun(
      edit(target, (_td, sv) => {
        sv.desiredCount = 5
        sv.networkConfiguration.awsvpcConfiguration.subnets = [
          backend.network.subnets[0],
          backend.network.subnets[2]
        ]
        sv.deploymentConfiguration = { maximumPercent: 150, minimumHealthyPercent: 50 }
      })
    )
    const diff = result.outputs.diff!
    expect(result.outputs['has-changes']).toBe('true')
    expect(diff).toMatch(/^--- arn:aws:ecs:us-east-1:\d+:service\/prod-\d+\/app$/m)
    expect(diff).toContain('-  "desiredCount": 3,')
    expect(diff).toContain('+  "desiredCount": 5,')
    expect(diff).toContain(`+        "${backend.network.subnets[2]}"`)
    expect(diff).toContain('+    "maximumPercent": 150,')
    expect(result.summary).toContain(
      'service changes in deploymentConfiguration, desiredCount and networkConfiguration'
    )
  })

  it('leaves desiredCount out of the comparison when the file omits it', async () => {
    const target = await live()
    const result = await dryRun(target)
    expect(target.serviceDefinition?.desiredCount).toBeUndefined()
    expect(result.outputs.diff).not.toContain('desiredCount')
  })

  it('ignores the target group of a CodeDeploy service, which swaps on every deployment', async () => {
    const tg = (color: string) =>
      `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-${color}/0123456789abcdef`
    const lb = (color: string) => [{ targetGroupArn: tg(color), containerName: 'web', containerPort: 8080 }]
    const target = await live(liveTaskDefinition(), {
      ...liveServiceParams(backend.network),
      deploymentController: { type: 'CODE_DEPLOY' },
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      loadBalancers: lb('blue')
    })
    const local = edit(target, (_td, sv) => {
      sv.deploymentController = { type: 'CODE_DEPLOY' }
      sv.loadBalancers = lb('green')
      delete sv.deploymentConfiguration
    })
    const result = await dryRun(local)
    expect(result.outputs.diff).toBe('')
    expect(result.outputs['has-changes']).toBe('false')
    const moved = await dryRun(edit(local, (_td, sv) => (sv.loadBalancers[0].containerPort = 9090)))
    expect(moved.outputs.diff).toContain('+      "containerPort": 9090')
  })

  it('does not compare desiredCount when auto scaling owns it, unless a deploy would move it into range', async () => {
    const target = await live()
    await backend.scaleService(target.config.cluster, 'app', 2, 10)
    backend.clearLog()
    const result = await dryRun(edit(target, (_td, sv) => (sv.desiredCount = 8)))
    expect(result.outputs['has-changes']).toBe('false')
    expect(result.log.some(line => line.includes('auto scaling (min 2, max 10) owns it'))).toBe(true)

    await backend.scaleService(target.config.cluster, 'app', 5, 10)
    backend.clearLog()
    const clamped = await dryRun(target)
    expect(clamped.outputs.diff).toContain('-  "desiredCount": 3,')
    expect(clamped.outputs.diff).toContain('+  "desiredCount": 5,')
  })

  it('leaves service fields the file omits alone (a deploy does not send them)', async () => {
    const target = await live(liveTaskDefinition(), {
      ...liveServiceParams(backend.network),
      propagateTags: 'TASK_DEFINITION'
    })
    const omitted = edit(target, (_td, sv) => delete sv.propagateTags)
    expect((await dryRun(omitted)).outputs['has-changes']).toBe('false')
    const result = await dryRun(target)
    expect(result.outputs.diff).toContain('-  "propagateTags": "TASK_DEFINITION",')
    expect(result.outputs.diff).toContain('+  "propagateTags": "SERVICE",')
  })

  it('shows a service that does not exist yet as all added', async () => {
    const target = await live(liveTaskDefinition(), null)
    const result = await dryRun(target)
    expect(result.outputs['has-changes']).toBe('true')
    expect(result.outputs.diff).toMatch(/^--- \/dev\/null\n\+\+\+ .*ecs-service-def\.json$/m)
    expect(result.summary).toContain('app: new service; task definition unchanged')
  })

  it('fails clearly when the cluster does not exist', async () => {
    const target = { ...project, config: { ...project.config, cluster: 'no-such-cluster' } }
    const error = await dryRun(target).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toBe('cluster no-such-cluster not found')
  })
})
