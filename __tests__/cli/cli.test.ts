// The CLI as a person runs it: bin/ecs-deploy-action.mjs over the built dist/index.js, against the emulator
// seeded from examples/rolling/seed.json (the seed README's "Try it locally" uses).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { applySeed, type SeedFile } from '../../test/emulator/cli.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { expect } from '../helpers/expect.js'
import { repoRoot } from '../helpers/run-action.js'
import { rawMarkdown, runCli } from './helpers.js'

const describeWhenBuilt = existsSync(join(repoRoot, 'dist', 'index.js')) ? describe : describe.skip
const CONFIG = 'examples/rolling/ecspresso.yml'
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web'

describeWhenBuilt('ecs-deploy-action on the command line', () => {
  it('render prints the rendered task definition on stdout, everything else on stderr', async () => {
    const run = await runCli(['render', 'taskdef', '--config', CONFIG, '--image-tag', 'v7'])
    expect(run.code, run.stderr).toBe(0)
    const td = JSON.parse(run.stdout) as { family: string; containerDefinitions: { image: string }[] }
    expect(td.family).toBe('web')
    expect(td.containerDefinitions[0]!.image).toBe(`${IMAGE}:v7`)
    expect(run.stderr).toContain('Rendered web')
    expect(run.stderr).toMatch(/^status: rendered$/m)
    expect(rawMarkdown(run.stderr)).toEqual([])
  })

  it('render servicedef prints the service definition; render alone prints both', async () => {
    const service = await runCli(['render', 'servicedef', '-c', CONFIG, '--image-tag', 'v7'])
    expect(service.code, service.stderr).toBe(0)
    expect(JSON.parse(service.stdout)).toMatchObject({ desiredCount: 2, launchType: 'FARGATE' })
    const both = await runCli(['render', '-c', CONFIG, '--image-tag', 'v7'])
    expect(both.stdout.match(/^\{$/gm)).toHaveLength(2)
  })

  it('--help lists commands and flags on stdout and exits 0', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: ecs-deploy-action <command> [flags]')
    expect(run.stdout).toContain('--rollback-events')
  })

  it('a flag it does not know: one error naming the nearest flag, exit 2', async () => {
    const run = await runCli(['deploy', '--config', CONFIG, '--dryrun'])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      'ecs-deploy-action: unknown flag --dryrun: did you mean --dry-run? (see --help)\n'
    )
    expect(run.stdout).toBe('')
  })
})

describeWhenBuilt('the CLI against the emulator', () => {
  let emulator: Emulator
  let env: Record<string, string>

  beforeAll(async () => {
    emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
    applySeed(
      emulator,
      JSON.parse(readFileSync(join(repoRoot, 'examples/rolling/seed.json'), 'utf8')) as SeedFile
    )
    emulator.scenario.runTasks({ image: `${IMAGE}:v9` }, { logs: ['migration 3 failed'], exitCode: 3 })
    env = {
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      ECS_DEPLOY_ACTION_POLL_MS: '100'
    }
  })
  afterAll(() => emulator.close())

  it('bad input: the action’s error, exit 1, nothing written', async () => {
    const run = await runCli(
      ['run', '-c', CONFIG, '--image-tag', 'v1', '--count', '11', '--endpoint', emulator.endpoint],
      env
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^error: --count: '11' is not a task count/m)
    expect(run.outputs.status).toBe('failed')
    expect(emulator.writes()).toEqual([])
  })

  it('diff: the plan with its diff, readable, nothing written', async () => {
    const run = await runCli(
      ['diff', '-c', CONFIG, '--image-tag', 'v1.1.0', '--endpoint', emulator.endpoint],
      env
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ status: 'dry-run', 'has-changes': 'true' })
    expect(run.stdout).toContain('Dry run: web on demo\n────')
    expect(run.stdout).toContain(
      `    -      "image": "${IMAGE}:v1.0.0",\n    +      "image": "${IMAGE}:v1.1.0",`
    )
    expect(run.stdout).toContain(`• app: ${IMAGE}:v1.0.0 → ${IMAGE}:v1.1.0`)
    expect(rawMarkdown(run.stdout + run.stderr)).toEqual([])
    expect(emulator.writes()).toEqual([])
  })

  it('deploy: log on stderr, the summary and outputs on stdout, no workflow commands, exit 0', async () => {
    const run = await runCli(
      ['deploy', '-c', CONFIG, '--image-tag', 'v1.1.0', '--endpoint', emulator.endpoint],
      env
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
      'previous-task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1'
    })
    expect(run.stderr).toContain(
      'registered task definition arn:aws:ecs:us-east-1:123456789012:task-definition/web:2'
    )
    expect(run.stderr).toContain('▸ Waiting for deployment')
    expect(run.stdout).toContain('✅ Deploy web: succeeded')
    expect(run.stdout).toMatch(/^Task definition {2}web:1 → web:2 \(registered\)$/m)
    expect(run.stdout).not.toContain('registered task definition')
    // The secret key is a secret to the sink, but a terminal gets no ::add-mask:: (nor any other command).
    expect(rawMarkdown(run.stdout + run.stderr)).toEqual([])
    expect(run.stdout + run.stderr).not.toContain('emulator-secret')
  })

  it('a failing deploy: the stopped tasks’ cause, the rollback, exit 1', async () => {
    const run = await runCli(
      [
        'deploy',
        '-c',
        CONFIG,
        '--image-tag',
        'broken',
        '--rollback-events',
        'DEPLOYMENT_FAILURE',
        '--endpoint',
        emulator.endpoint
      ],
      env
    )
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('rolled-back')
    expect(run.stdout).toContain('Deploy web: rolled-back')
    expect(run.stdout).toMatch(/^Stopped tasks\n/m)
    expect(run.stdout).toMatch(/^1 {2}\d+ +CannotPullContainerError: .*web:broken: not found/m)
    expect(run.stderr).toMatch(/^error: deployment failed: /m)
    expect(rawMarkdown(run.stdout + run.stderr)).toEqual([])
  })

  it("run: the task's log and its exit code as the CLI's", async () => {
    const run = await runCli(['run', '-c', CONFIG, '--image-tag', 'v9', '--endpoint', emulator.endpoint], env)
    expect(run.code).toBe(3)
    expect(run.outputs).toMatchObject({ status: 'failed', 'exit-code': '3' })
    expect(run.stderr).toContain('migration 3 failed')
  })
})
