// `command: run` through the bundled dist/index.js on the emulator (60x real time, polls every 100 ms): a
// migration that exits 0, one that exits 3, an image that cannot be pulled, a timeout, SIGINT while it runs,
// several tasks, wait: false, and bad input that writes nothing.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { repoRoot, runAction, type ActionRun, type RunOptions } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`
const taskDefinition = (image: string) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    {
      name: 'app',
      image,
      essential: true,
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/web',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'web'
        }
      }
    }
  ]
})
const serviceDefinition = {
  launchType: 'FARGATE',
  platformVersion: '1.4.0',
  desiredCount: 1,
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
  },
  tags: [{ key: 'team', value: 'web' }]
}
const migrate = JSON.stringify({ containerOverrides: [{ name: 'app', command: ['rails', 'db:migrate'] }] })

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  emulator.logs.createLogGroup('/ecs/web')
  dir = await mkdtemp(join(tmpdir(), 'run-action-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 5m\n'
  )
  await writeFile(
    join(dir, 'td.json'),
    JSON.stringify(taskDefinition('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'))
  )
  await writeFile(join(dir, 'sd.json'), JSON.stringify(serviceDefinition))
  const v1 = emulator.seedTaskDefinition(taskDefinition('registry.example.com/web:v1'))
  emulator.seedService({ cluster: 'prod', serviceName: 'web', taskDefinition: v1, ...serviceDefinition })
  emulator.scenario.taskStartSeconds(5)
  emulator.clearLog()
})

afterEach(async () => {
  await emulator.close()
})

function run(inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  return runAction({
    ...options,
    inputs: { config: join(dir, 'ecspresso.yml'), command: 'run', ...inputs },
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      ECS_DEPLOY_ACTION_POLL_MS: '100',
      ...options.env
    }
  })
}

const writes = () =>
  emulator
    .writes()
    .filter(r => r.fault === undefined && r.error === undefined)
    .map(r => r.operation)

describe('command: run', () => {
  it('a migration that exits 0: succeeded, exit code 0, its log lines in the job log and the summary', async () => {
    emulator.scenario.runTasks(
      { taskDefinitionArn: 'web' },
      { logs: ['Running migrations', '== CreateUsers: migrated', 'done'], exitCode: 0 }
    )
    const r = await run({ 'image-tag': 'v1', overrides: migrate })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.outputs.status).toBe('succeeded')
    expect(r.outputs['exit-code']).toBe('0')
    // The rendered definition equals the service's: its revision is reused, nothing registered.
    expect(writes()).toEqual(['RunTask'])
    expect(r.outputs['task-definition-arn']).toBe(arn(1))
    const arns = JSON.parse(r.outputs['task-arns']!) as string[]
    expect(arns).toHaveLength(1)
    expect(r.stdout).toContain('Running migrations\n')
    expect(r.stdout).toContain('== CreateUsers: migrated\n')
    expect(r.summary).toMatch(/## ✅ Run web:1: succeeded/)
    console.log(
      `run exit 0: ${emulator.calls('DescribeTasks').length} DescribeTasks, ${emulator.calls('GetLogEvents').length} GetLogEvents`
    )
    expect(r.summary).toContain('done')
    // RunTask took the service definition's network, launch type, platform version, tags and the overrides.
    const call = emulator.calls('RunTask')[0]!.params
    expect(call).toMatchObject({
      cluster: 'prod',
      taskDefinition: arn(1),
      count: 1,
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: serviceDefinition.networkConfiguration,
      tags: serviceDefinition.tags,
      overrides: JSON.parse(migrate) as object
    })
  })

  it('a migration that exits 3: the step fails with exit code 3 and the last log lines', async () => {
    emulator.scenario.runTasks(
      { taskDefinitionArn: 'web' },
      { logs: ['Running migrations', 'PG::UndefinedTable: relation "users" does not exist'], exitCode: 3 }
    )
    const r = await run({ 'image-tag': 'v2', overrides: migrate })
    expect(r.exitCode, r.stdout).toBe(3)
    expect(r.outputs.status).toBe('failed')
    expect(r.outputs['exit-code']).toBe('3')
    expect(r.errors[0]).toBe(
      'app exited with code 3; last log line: PG::UndefinedTable: relation "users" does not exist'
    )
    // A changed image: a new revision is registered, then run.
    expect(writes()).toEqual(['RegisterTaskDefinition', 'RunTask'])
    expect(r.outputs['registered-task-definition-arn']).toBe(arn(2))
    expect(r.summary).toMatch(/## ❌ Run web:2: failed/)
    expect(r.summary).toMatch(/### Last 2 log lines\n\n```\nRunning migrations\nPG::UndefinedTable/)
    expect(r.summary).toContain('Essential container in task exited')
  })

  it('an image that cannot be pulled: failed with the stopped reason', async () => {
    emulator.scenario.failTasks({ image: 'registry.example.com/web:gone' }, { kind: 'cannot-pull' })
    const r = await run({ 'image-tag': 'gone' })
    expect(r.exitCode, r.stdout).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(r.errors[0]).toMatch(/^never started: CannotPullContainerError: .*registry.example.com\/web:gone/)
    expect(r.outputs['exit-code']).toBeUndefined()
    expect(r.summary).toContain('CannotPullContainerError')
  })

  it('a timeout: the tasks are stopped (StopTask) and the step says so', async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['migrating…'], runSeconds: 3600 })
    const r = await run({ 'image-tag': 'v1', timeout: '2s' })
    expect(r.exitCode, r.stdout).not.toBe(0)
    expect(r.outputs.status).toBe('timed-out')
    expect(r.errors[0]).toMatch(/^timed out after 2s waiting for 1 task: StopTask sent for 1 of 1 task/)
    expect(writes()).toEqual(['RunTask', 'StopTask'])
    const stop = emulator.calls('StopTask')[0]!.params
    expect(stop.task).toBe(JSON.parse(r.outputs['task-arns']!)[0])
    expect(String(stop.reason)).toMatch(/timed out/)
  })

  it('SIGINT while it runs: StopTask sent, cancelled, outputs and summary, within 2 s', async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['migrating…'], runSeconds: 3600 })
    const r = await run({ 'image-tag': 'v1' }, { signal: { after: /migrating…/, send: ['SIGINT'] } })
    expect(r.exitCode, r.stdout).not.toBe(0)
    expect(r.outputs.status).toBe('cancelled')
    expect(r.errors[0]).toMatch(/^cancelled by SIGINT: StopTask sent for 1 of 1 task/)
    expect(writes()).toEqual(['RunTask', 'StopTask'])
    expect(r.summary).toMatch(/## 🛑 Run web:1: cancelled/)
    expect(r.outputs['task-arns']).toMatch(/^\["arn:aws:ecs:us-east-1:123456789012:task\/prod\//)
    expect(r.msFromSignalToExit).toBeLessThan(2000)
    console.log(`run: SIGINT to exit ${r.msFromSignalToExit} ms`)
  })

  it('count 2: each line carries its task, the worst exit code decides', async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['hello'], exitCode: 0 })
    const r = await run({ 'image-tag': 'v1', count: '2' })
    expect(r.exitCode, r.stdout).toBe(0)
    const arns = JSON.parse(r.outputs['task-arns']!) as string[]
    expect(arns).toHaveLength(2)
    for (const a of arns)
      expect(r.stdout).toContain(`[${a.slice(a.lastIndexOf('/') + 1, a.lastIndexOf('/') + 9)}] hello`)
  })

  it('wait: false: started, with task-arns', async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { runSeconds: 3600 })
    const r = await run({ 'image-tag': 'v1', wait: 'false' })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.outputs.status).toBe('started')
    expect(JSON.parse(r.outputs['task-arns']!)).toHaveLength(1)
    expect(writes()).toEqual(['RunTask'])
  })

  it('wait-until: running ends once the tasks run', async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { runSeconds: 3600 })
    const r = await run({ 'image-tag': 'v1', 'wait-until': 'running' })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.outputs.status).toBe('succeeded')
    expect(writes()).toEqual(['RunTask'])
  })

  it.each([
    [
      { overrides: '{containerOverrides: [{name: worker, command: [x]}]}' },
      /containerOverrides\[0\] names container 'worker'/
    ],
    [
      { overrides: '{containerOverides: []}' },
      /unknown key 'containerOverides'[\s\S]*did you mean 'containerOverrides'/
    ],
    [{ overrides: '{containerOverrides: [{name: app, command: rails}]}' }, /command must be a list/],
    [{ 'watch-container': 'worker' }, /container 'worker' is not in task definition web/],
    [{ count: '11' }, /'11' is not a task count/],
    [{ 'wait-until': 'succeeded' }, /'succeeded' is not one of 'stopped', 'running'/]
  ])('bad input %j: one clear error, zero writes', async (inputs, message) => {
    const r = await run({ 'image-tag': 'v2', ...inputs })
    expect(r.exitCode).not.toBe(0)
    expect(r.errors.join('\n')).toMatch(message)
    expect(emulator.writes()).toEqual([])
  })

  it('awsvpc without a network configuration: refused before the registration', async () => {
    await writeFile(join(dir, 'sd.json'), JSON.stringify({ launchType: 'FARGATE', desiredCount: 1 }))
    const r = await run({ 'image-tag': 'v2' })
    expect(r.exitCode).not.toBe(0)
    expect(r.errors[0]).toMatch(/networkMode awsvpc, so RunTask needs a network configuration/)
    expect(emulator.writes()).toEqual([])
  })

  it('dry-run: says what would run, writes nothing', async () => {
    const r = await run({ 'image-tag': 'v2', 'dry-run': 'true', overrides: migrate })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.outputs.status).toBe('dry-run')
    expect(r.summary).toContain('Dry run: nothing was registered or started.')
    expect(emulator.writes()).toEqual([])
  })

  it("README's IAM policy for run names every call the runs made", async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['x'], runSeconds: 3600 })
    await run({ 'image-tag': 'v2', timeout: '2s' })
    const prefix: Record<string, string> = { ecs: 'ecs', logs: 'logs' }
    const actions = new Set(emulator.requests.map(r => `${prefix[r.service] ?? r.service}:${r.operation}`))
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8')
    const from = readme.indexOf('### IAM policy for `command: run`')
    const policy = readme.slice(from, readme.indexOf('```\n', readme.indexOf('```json', from) + 7))
    for (const needed of ['ecs:RegisterTaskDefinition', 'ecs:RunTask', 'ecs:StopTask', 'logs:GetLogEvents'])
      expect(actions.has(needed)).toBe(true)
    for (const action of actions) expect(policy).toContain(`"${action}"`)
  })

  it('skip-task-definition: the service revision runs, the file is not rendered (no image-tag), nothing registered', async () => {
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['ok'], exitCode: 0 })
    const r = await run({ 'skip-task-definition': 'true' })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.outputs['task-definition-arn']).toBe(arn(1))
    expect(writes()).toEqual(['RunTask'])
  })

  it('log lines pass the sink: secret values masked, workflow commands inert', async () => {
    emulator.scenario.runTasks(
      { taskDefinitionArn: 'web' },
      { logs: ['password is secret-for-tests', '::error::injected', '::add-mask::x'], exitCode: 0 }
    )
    const r = await run({ 'image-tag': 'v1' })
    expect(r.exitCode, r.stdout).toBe(0)
    // The runner is told the value to mask (add-mask); no other line holds it.
    const shown = r.stdout.split('\n').filter(l => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain('secret-for-tests')
    expect(shown).toContain('password is •••')
    // Each command-like line is wrapped in stop-commands, which the runner prints verbatim.
    const lines = r.stdout.split('\n')
    const at = lines.indexOf('::error::injected')
    expect(at).toBeGreaterThan(0)
    expect(lines[at - 1]).toMatch(/^::stop-commands::/)
    expect(r.summary).not.toContain('secret-for-tests')
  })

  it('a config without a service: the service-less family reuses its latest revision when unchanged', async () => {
    await writeFile(
      join(dir, 'migrate.yml'),
      'region: us-east-1\ncluster: prod\ntask_definition: td.json\nservice_definition: sd.json\n'
    )
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['ok'], exitCode: 0 })
    const inputs = { config: join(dir, 'migrate.yml'), 'image-tag': 'v7' }
    const first = await run(inputs)
    const second = await run(inputs)
    expect(first.exitCode, first.stdout).toBe(0)
    expect(second.exitCode, second.stdout).toBe(0)
    expect(first.outputs['registered-task-definition-arn']).toBe(arn(2))
    expect(second.outputs['registered-task-definition-arn']).toBeUndefined()
    expect(second.outputs['task-definition-arn']).toBe(arn(2))
    expect(writes()).toEqual(['RegisterTaskDefinition', 'RunTask', 'RunTask'])
  })

  it('a log group that does not exist: the task never starts, the step says why and warns once', async () => {
    const td = taskDefinition('registry.example.com/web:{{ must_env `IMAGE_TAG` }}')
    td.containerDefinitions[0]!.logConfiguration.options['awslogs-group'] = '/ecs/missing'
    await writeFile(join(dir, 'td.json'), JSON.stringify(td))
    const r = await run({ 'image-tag': 'v2' })
    expect(r.exitCode, r.stdout).not.toBe(0)
    expect(r.outputs.status).toBe('failed')
    expect(r.errors[0]).toMatch(
      /^never started: ResourceInitializationError: .*The specified log group does not exist/
    )
    const warnings = r.stdout
      .split('\n')
      .filter(l => l.startsWith('::warning::log group /ecs/missing does not exist'))
    expect(warnings).toHaveLength(1)
  })

  it('aws-actions style, without a config: cluster, service and task-definition suffice', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'run-bare-'))
    await writeFile(
      join(bare, 'task-definition.json'),
      JSON.stringify(taskDefinition('registry.example.com/web:v1'))
    )
    emulator.scenario.runTasks({ taskDefinitionArn: 'web' }, { logs: ['ok'], exitCode: 0 })
    const r = await runAction({
      cwd: bare,
      inputs: { command: 'run', cluster: 'prod', service: 'web', 'task-definition': 'task-definition.json' },
      env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
    })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(r.outputs['task-definition-arn']).toBe(arn(1))
    // The live service lends its network configuration: RunTask was accepted for the awsvpc definition.
    expect(emulator.calls('RunTask')[0]!.params.networkConfiguration).toEqual(
      serviceDefinition.networkConfiguration
    )
  })
})
