/* eslint-disable @typescript-eslint/no-explicit-any -- fixtures are loose JSON */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { planDiff, type PlanInput } from '../../src/diff/plan.js'
import { normalizeTaskDefinition, taskSize } from '../../src/diff/normalize.js'

const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'))

const liveTd = fixture('live-task-definition')
const liveService = fixture('live-service')

function input(overrides: {
  taskDefinition?: any
  serviceDefinition?: any
  liveService?: any
  liveTaskDefinition?: any
  ignoreTags?: string[]
  codeDeploy?: boolean
  redact?: boolean
}): PlanInput {
  return {
    cluster: 'prod',
    service: 'app',
    config: 'ecspresso.yml',
    local: {
      taskDefinition:
        'taskDefinition' in overrides ? overrides.taskDefinition : fixture('local-task-definition'),
      taskDefinitionPath: 'ecs-task-def.json',
      serviceDefinition:
        'serviceDefinition' in overrides ? overrides.serviceDefinition : fixture('local-service'),
      serviceDefinitionPath: 'ecs-service-def.json'
    },
    live: {
      service: 'liveService' in overrides ? overrides.liveService : liveService,
      taskDefinition:
        'liveTaskDefinition' in overrides ? overrides.liveTaskDefinition : liveTd.taskDefinition,
      taskDefinitionTags: liveTd.tags
    },
    ignoreTags: overrides.ignoreTags ?? ['terraform-managed'],
    codeDeploy: overrides.codeDeploy ?? false,
    redact: overrides.redact ?? true
  }
}

const web = (td: any): any => td.containerDefinitions.find((c: any) => c.name === 'web')

describe('planDiff', () => {
  it('reports no change when files differ from live only in order, units and server-filled defaults', () => {
    const plan = planDiff(input({}))
    expect(plan.diff).toBe('')
    expect(plan.hasChanges).toBe(false)
    expect(plan.taskDefinition?.containers.map(c => c.change)).toEqual(['unchanged', 'unchanged'])
  })

  it('shows an ignored tag as a change when ignore.tags does not list it', () => {
    const plan = planDiff(input({ ignoreTags: [] }))
    expect(plan.hasChanges).toBe(true)
    expect(plan.taskDefinition?.fields).toEqual(['tags'])
    expect(plan.diff).toContain('-      "key": "terraform-managed",')
  })

  it('shows an image change with ARN and file headers', () => {
    const td = fixture('local-task-definition')
    web(td).image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2'
    const plan = planDiff(input({ taskDefinition: td }))
    expect(plan.hasChanges).toBe(true)
    expect(plan.serviceDefinition?.changed).toBe(false)
    expect(plan.diff.split('\n').slice(0, 2)).toEqual([
      '--- arn:aws:ecs:us-east-1:123456789012:task-definition/app:41',
      '+++ ecs-task-def.json'
    ])
    expect(plan.diff).toContain('-      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1",')
    expect(plan.diff).toContain('+      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2",')
    expect(plan.taskDefinition?.containers.find(c => c.name === 'web')).toEqual({
      name: 'web',
      change: 'changed',
      imageBefore: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1',
      imageAfter: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2'
    })
    expect(plan.diff).toMatchSnapshot()
  })

  it('redacts environment values: changed shows as changed, added and removed as redacted', () => {
    const td = fixture('local-task-definition')
    web(td).environment = [
      { name: 'DATABASE_URL', value: 'postgres://app:correct-horse@db.internal/app' },
      { name: 'FEATURE_X', value: 'on' }
    ]
    const plan = planDiff(input({ taskDefinition: td }))
    expect(plan.hasChanges).toBe(true)
    expect(plan.diff).not.toContain('hunter2')
    expect(plan.diff).not.toContain('correct-horse')
    expect(plan.diff).not.toContain('"info"')
    expect(plan.diff).toContain('-          "value": "(redacted)"')
    expect(plan.diff).toContain('+          "value": "(redacted, changed)"')
    expect(plan.diff).toContain('+          "name": "FEATURE_X",')
    expect(plan.diff).toContain('-          "name": "LOG_LEVEL",')
    expect(plan.diff).toMatchSnapshot()
  })

  it('shows environment values when redaction is off', () => {
    const td = fixture('local-task-definition')
    web(td).environment[0].value = 'postgres://app:correct-horse@db.internal/app'
    const plan = planDiff(input({ taskDefinition: td, redact: false }))
    expect(plan.diff).toContain('hunter2')
    expect(plan.diff).toContain('correct-horse')
  })

  it('detects an unchanged value as unchanged even when redacted', () => {
    const td = fixture('local-task-definition')
    td.cpu = '512'
    const plan = planDiff(input({ taskDefinition: td }))
    expect(plan.taskDefinition?.fields).toEqual(['cpu'])
    expect(plan.diff).not.toContain('(redacted, changed)')
  })

  it('lists an added container', () => {
    const td = fixture('local-task-definition')
    td.containerDefinitions.push({ name: 'sidecar', image: 'public.ecr.aws/nginx/nginx:1.27' })
    const plan = planDiff(input({ taskDefinition: td }))
    expect(plan.taskDefinition?.containers.filter(c => c.change !== 'unchanged')).toEqual([
      {
        name: 'sidecar',
        change: 'added',
        imageBefore: undefined,
        imageAfter: 'public.ecr.aws/nginx/nginx:1.27'
      }
    ])
    expect(plan.diff).toContain('+      "essential": true,')
  })

  it('compares service fields the file sets, and leaves desiredCount alone when the file omits it', () => {
    const sv = fixture('local-service')
    sv.networkConfiguration.awsvpcConfiguration.assignPublicIp = 'ENABLED'
    sv.deploymentConfiguration = { maximumPercent: 150, minimumHealthyPercent: 50 }
    const plan = planDiff(input({ serviceDefinition: sv }))
    expect(plan.serviceDefinition?.fields).toEqual(['deploymentConfiguration', 'networkConfiguration'])
    expect(plan.diff).not.toContain('desiredCount')
    expect(plan.diff.split('\n').slice(0, 2)).toEqual([
      '--- arn:aws:ecs:us-east-1:123456789012:service/prod/app',
      '+++ ecs-service-def.json'
    ])
    expect(plan.diff).toMatchSnapshot()

    sv.desiredCount = 2
    expect(planDiff(input({ serviceDefinition: sv })).serviceDefinition?.fields).toContain('desiredCount')
  })

  it('ignores the target group under CodeDeploy, where it swaps on every deployment', () => {
    const sv = fixture('local-service')
    sv.loadBalancers[0].targetGroupArn = sv.loadBalancers[0].targetGroupArn.replace('app-blue', 'app-green')
    expect(planDiff(input({ serviceDefinition: sv })).hasChanges).toBe(true)
    expect(planDiff(input({ serviceDefinition: sv, codeDeploy: true })).hasChanges).toBe(false)
  })

  it('shows a service that does not exist yet as all added', () => {
    const plan = planDiff(input({ liveService: undefined, liveTaskDefinition: undefined }))
    expect(plan.serviceExists).toBe(false)
    expect(plan.hasChanges).toBe(true)
    expect(plan.diff.split('\n').slice(0, 2)).toEqual(['--- /dev/null', '+++ ecs-service-def.json'])
    expect(plan.diff).toMatch(/^@@ -0,0 \+1,\d+ @@$/m)
    expect(plan.diff.split('\n').filter(line => line.startsWith('-') && !line.startsWith('---'))).toEqual([])
    expect(plan.taskDefinition?.containers.every(c => c.change === 'added')).toBe(true)
    // values are hidden; secrets show where they come from
    expect(plan.diff).not.toContain('hunter2')
    expect(plan.diff).toContain('+          "value": "(redacted)"')
    expect(plan.diff).toContain('"valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key"')
    expect(plan.diff).toMatchSnapshot()
  })
})

describe('normalizeTaskDefinition', () => {
  it('converts task sizes in units to the numbers the API reports', () => {
    expect(taskSize('0.25 vCPU', 'cpu')).toBe('256')
    expect(taskSize('1 vcpu', 'cpu')).toBe('1024')
    expect(taskSize(256, 'cpu')).toBe('256')
    expect(taskSize('1 GB', 'memory')).toBe('1024')
    expect(taskSize('0.5GB', 'memory')).toBe('512')
    expect(taskSize('2048', 'memory')).toBe('2048')
    expect(taskSize('lots', 'memory')).toBe('lots')
  })

  it('fills the host port only under awsvpc and host networking', () => {
    const td = (networkMode: string): any =>
      normalizeTaskDefinition({
        family: 'x',
        networkMode,
        containerDefinitions: [{ name: 'a', image: 'a', portMappings: [{ containerPort: 80 }] }]
      })
    expect(td('awsvpc').containerDefinitions[0].portMappings).toEqual([
      { containerPort: 80, hostPort: 80, protocol: 'tcp' }
    ])
    expect(td('bridge').containerDefinitions[0].portMappings).toEqual([
      { containerPort: 80, protocol: 'tcp' }
    ])
  })

  it('sorts containers and order-insensitive lists', () => {
    const td: any = normalizeTaskDefinition({
      family: 'x',
      containerDefinitions: [
        {
          name: 'b',
          image: 'b',
          environment: [
            { name: 'Z', value: '1' },
            { name: 'A', value: '2' }
          ]
        },
        {
          name: 'a',
          image: 'a',
          mountPoints: [
            { sourceVolume: 'v2', containerPath: '/b' },
            { sourceVolume: 'v1', containerPath: '/a' }
          ]
        }
      ],
      volumes: [{ name: 'v2' }, { name: 'v1' }],
      requiresCompatibilities: ['FARGATE', 'EC2']
    })
    expect(td.containerDefinitions.map((c: any) => c.name)).toEqual(['a', 'b'])
    expect(td.containerDefinitions[1].environment.map((e: any) => e.name)).toEqual(['A', 'Z'])
    expect(td.containerDefinitions[0].mountPoints[0].sourceVolume).toBe('v1')
    expect(td.volumes).toEqual([{ name: 'v1' }, { name: 'v2' }])
    expect(td.requiresCompatibilities).toEqual(['EC2', 'FARGATE'])
  })
})
