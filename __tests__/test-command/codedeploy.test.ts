// test-command on a CodeDeploy blue/green deploy, through dist/index.js on the emulator at 60x: the command
// runs once the replacement takes test traffic; exit 0 continues the deployment, anything else rolls it back.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from '@jest/globals'
import type { Emulator } from '../../test/emulator/index.js'
import {
  APP,
  CLUSTER,
  groupParams,
  loadBalancers,
  network,
  SERVICE,
  taskDefinition
} from '../codedeploy/harness.js'
import { blackBoxProject, runAgainst, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { expect } from '../helpers/expect.js'
import type { RunOptions } from '../helpers/run-action.js'
import { forgedCommands, readRunnerLog } from '../helpers/runner-log.js'

const TEST_LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/8080'
const PROD_LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/80'

let emulator: Emulator

/** True while the process runs: a zombie init has not reaped yet counts as gone (signal 0 still reaches it). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true
  }
}

afterEach(async () => {
  await emulator.close()
})

/** A CODE_DEPLOY service on web:1.0 whose group waits up to an hour for rerouting (unless `readyWaitMinutes` says). */
async function world(readyWaitMinutes: number | 'none' = 60, config?: string) {
  emulator = await startWatchedEmulator()
  const oldArn = emulator.seedTaskDefinition(taskDefinition('web:1.0'))
  const service = {
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: network,
    loadBalancers,
    deploymentController: { type: 'CODE_DEPLOY' }
  }
  emulator.seedService({
    cluster: CLUSTER,
    serviceName: SERVICE,
    taskDefinition: oldArn,
    desiredCount: 2,
    ...service
  })
  emulator.codedeploy.createApplication(APP)
  emulator.codedeploy.createDeploymentGroup(
    groupParams({
      autoRollback: ['DEPLOYMENT_FAILURE'],
      ...(readyWaitMinutes === 'none' ? {} : { readyWaitMinutes })
    })
  )
  emulator.codedeploy.hookSeconds(1)
  emulator.clearLog()
  const dir = await blackBoxProject({
    prefix: 'test-command-',
    ...(config === undefined ? {} : { config }),
    taskDefinition: taskDefinition('web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition: { ...service, desiredCount: 2 }
  })
  return { dir, oldArn }
}

const deploy = (dir: string, inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}) =>
  runAgainst(emulator, dir, { 'image-tag': '2.0', ...inputs }, options)

const liveTaskDefinition = () => emulator.describeService(CLUSTER, SERVICE).taskDefinition

describe('test-command on CodeDeploy blue/green', () => {
  it('exit 0: ContinueDeployment (READY_WAIT), watched to Succeeded; the command saw the test endpoint', async () => {
    const { dir } = await world()
    const result = await deploy(dir, {
      'test-command': 'env > "$RUNNER_TEMP/test-env"\necho "testing $ECS_DEPLOY_TEST_LISTENER_ARN"'
    })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    const id = result.outputs['codedeploy-deployment-id']!
    expect(emulator.calls('ContinueDeployment').map(c => c.params)).toEqual([
      { deploymentId: id, deploymentWaitType: 'READY_WAIT' }
    ])
    expect(emulator.calls('StopDeployment')).toEqual([])
    expect(liveTaskDefinition()).toBe(result.outputs['task-definition-arn'])

    const env = Object.fromEntries(
      (await readFile(join(result.workDir, 'test-env'), 'utf8'))
        .split('\n')
        .filter(l => l.includes('='))
        .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    )
    expect(env).toMatchObject({
      ECS_DEPLOY_CONTROLLER: 'CODE_DEPLOY',
      ECS_DEPLOY_CLUSTER: CLUSTER,
      ECS_DEPLOY_SERVICE: SERVICE,
      ECS_DEPLOY_TASK_DEFINITION_ARN: result.outputs['task-definition-arn'],
      ECS_DEPLOY_DEPLOYMENT_ID: id,
      ECS_DEPLOY_TEST_LISTENER_ARN: TEST_LISTENER,
      ECS_DEPLOY_PRODUCTION_LISTENER_ARN: PROD_LISTENER,
      ECS_DEPLOY_TARGET_GROUPS: 'web-blue,web-green',
      ECS_DEPLOY_CONTAINER_NAME: 'app',
      ECS_DEPLOY_CONTAINER_PORT: '8080'
    })
    expect(Object.keys(env).filter(k => k.startsWith('INPUT_') || k === 'GITHUB_OUTPUT')).toEqual([])

    expect(result.stdout).toContain('::group::test-command')
    expect(result.stdout).toContain(`testing ${TEST_LISTENER}`)
    expect(result.stdout).toMatch(/test-command exited 0 after \S+: continuing the deployment/)
    expect(result.summary).toContain('Test command passed')
    expect(result.summary).toContain(`testing ${TEST_LISTENER}`)
  })

  it('non-zero exit: StopDeployment with rollback, status rolled-back, the tail in the summary; its output forges nothing', async () => {
    const { dir, oldArn } = await world()
    const token = 'ghs_test-command-token-0123456789'
    const result = await deploy(dir, {
      'github-token': token,
      'test-command': [
        `echo "::set-output name=status::succeeded"`,
        `echo "::error::FORGED by the test command"`,
        `echo "status=succeeded" >> "\${GITHUB_OUTPUT:-/dev/null}"`,
        `echo "token ${token}"`,
        'echo "GET /health -> 503 \\`\\`\\`\\`"',
        'exit 3'
      ].join('\n')
    })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(emulator.calls('ContinueDeployment')).toEqual([])
    expect(emulator.calls('StopDeployment').map(c => c.params)).toEqual([
      { deploymentId: result.outputs['codedeploy-deployment-id'], autoRollbackEnabled: true }
    ])
    expect(liveTaskDefinition()).toBe(oldArn)
    expect(result.outputs['task-definition-arn']).toBe(oldArn)
    const log = readRunnerLog(result.stdout)
    const errors = log.commands.filter(c => c.name === 'error').map(c => c.data)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /test-command exited 3; the deployment was stopped and rolled back by deployment d-\w+$/
    )
    expect(result.summary).toContain('Test command failed')
    expect(result.summary).toContain('**Cause:** test-command exited 3')
    // The tail, in a fence longer than the four backticks the command printed.
    expect(result.summary).toContain('`````\n')
    expect(result.summary).toContain('GET /health -&gt; 503 ````'.replace('-&gt;', '->'))
    expect(result.summary).not.toContain(token)
    // Only the runner's own mask command names it.
    const printed = result.stdout.split('\n').filter(l => l !== `::add-mask::${token}`)
    expect(printed.join('\n')).not.toContain(token)
    expect(printed).toContain('token •••')
    expect(forgedCommands(log, 'FORGED')).toEqual([])
    expect(log.commands.filter(c => c.name === 'set-output')).toEqual([])
    expect(log.shown).toContain('::error::FORGED by the test command')
  })

  it('a timeout kills the command and rolls the deployment back', async () => {
    const { dir, oldArn } = await world()
    const result = await deploy(dir, { 'test-command': 'echo waiting; sleep 60', 'test-timeout': '2s' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(emulator.calls('StopDeployment')).toHaveLength(1)
    expect(liveTaskDefinition()).toBe(oldArn)
    expect(result.summary).toContain('timed out after 2s')
    expect(result.stdout).toMatch(
      /test-command timed out after 2s after \S+: stopping the deployment with rollback/
    )
  })

  it('cancelled while the command runs: the command is gone, StopDeployment with rollback (DEPLOYMENT_STOP_ON_REQUEST)', async () => {
    const { dir } = await world()
    const result = await deploy(
      dir,
      {
        'rollback-events': 'DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST',
        'test-command': 'echo $$ > "$RUNNER_TEMP/test-pid"; echo test-command-is-running; sleep 60'
      },
      { signal: { after: /test-command-is-running/, send: ['SIGINT'] } }
    )
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(result.msFromSignalToExit).toBeLessThan(10_000)
    expect(emulator.calls('StopDeployment').map(c => c.params)).toEqual([
      { deploymentId: result.outputs['codedeploy-deployment-id'], autoRollbackEnabled: true }
    ])
    expect(emulator.calls('ContinueDeployment')).toEqual([])
    const pid = Number(await readFile(join(result.workDir, 'test-pid'), 'utf8'))
    expect(running(pid)).toBe(false)
    expect(result.summary).toContain('Test command cancelled')
  })

  it('a hook failing before test traffic: rolled back by CodeDeploy, and the command never runs', async () => {
    const { dir } = await world(60, 'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: web-smoke-test\n')
    emulator.codedeploy.failHook('AfterAllowTestTraffic', { message: 'smoke test Lambda said no' })
    const result = await deploy(dir, { 'test-command': 'touch "$RUNNER_TEMP/ran"' })
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(result.stdout).toContain(
      'test-command did not run: the deployment rolled-back before it took test traffic'
    )
    await expect(readFile(join(result.workDir, 'ran'))).rejects.toThrow(/ENOENT/)
    expect(emulator.calls('ContinueDeployment')).toEqual([])
    expect(emulator.calls('StopDeployment')).toEqual([])
    expect(result.summary).not.toContain('Test command')
  })

  it('the action killed outright (SIGKILL) while the command runs: the command does not outlive it', async () => {
    const { dir } = await world()
    const result = await deploy(
      dir,
      { 'test-command': 'echo $$ > "$RUNNER_TEMP/test-pid"; echo test-command-is-running; sleep 60' },
      { signal: { after: /test-command-is-running/, send: ['SIGKILL'] } }
    )
    expect(result.exitCode).toBeNull()
    const pid = Number(await readFile(join(result.workDir, 'test-pid'), 'utf8'))
    // The launcher checks for its parent every half second.
    let alive = true
    for (let i = 0; i < 40 && alive; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      alive = running(pid)
    }
    expect(alive).toBe(false)
  })

  it('cancelled without DEPLOYMENT_STOP_ON_REQUEST: the command is gone, the deployment is left waiting and the summary says so', async () => {
    const { dir } = await world()
    const result = await deploy(
      dir,
      { 'test-command': 'echo test-command-is-running; sleep 60' },
      { signal: { after: /test-command-is-running/, send: ['SIGTERM'] } }
    )
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expect(emulator.calls('StopDeployment')).toEqual([])
    expect(emulator.calls('ContinueDeployment')).toEqual([])
    expect(result.stdout).toMatch(/keeps waiting for rerouting until the group's wait time \(60 min\) ends/)
    expect(result.summary).toContain('deployment left waiting for rerouting')
  })

  it("the group's wait runs out while the command runs: warned before any write; CodeDeploy's stop is reported", async () => {
    // One emulated minute is one second here; the command takes three.
    const { dir, oldArn } = await world(1)
    const result = await deploy(dir, { 'test-command': 'sleep 3; echo fine' })
    expect(result.stdout).toMatch(/waits 1m for rerouting, less than test-timeout \(5m\)/)
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    expect(emulator.calls('ContinueDeployment')).toHaveLength(1)
    expect(emulator.calls('StopDeployment')).toEqual([])
    expect(result.stdout).toMatch(
      /ContinueDeployment: .*(completed|ready state).*wait for rerouting ended while test-command ran/
    )
    expect(result.errors.at(-1)).toMatch(/TIMEOUT|timed out while waiting/)
    expect(liveTaskDefinition()).toBe(oldArn)
  })

  it('a group that reroutes at once cannot run it: one error naming the fix, nothing written', async () => {
    const { dir } = await world('none')
    const result = await deploy(dir, { 'test-command': 'true' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors[0]).toMatch(/reroutes as soon as the replacement is ready/)
    expect(result.errors[0]).toMatch(/STOP_DEPLOYMENT/)
    expect(emulator.writes()).toEqual([])
  })

  it('a rolling service cannot run it: one error before any write', async () => {
    emulator = await startWatchedEmulator()
    const rolling = { launchType: 'FARGATE', networkConfiguration: network, desiredCount: 1 }
    seedLiveWeb(emulator, taskDefinition('web:1.0'), rolling)
    emulator.clearLog()
    const dir = await blackBoxProject({
      prefix: 'test-command-rolling-',
      taskDefinition: taskDefinition('web:{{ must_env `IMAGE_TAG` }}'),
      serviceDefinition: rolling
    })
    const result = await deploy(dir, { 'test-command': 'true' })
    expect(result.exitCode).not.toBe(0)
    expect(result.errors[0]).toMatch(/test-command needs test traffic, but this service deploys ROLLING/)
    expect(emulator.writes()).toEqual([])
  })

  it('a dry run says what the command would do, and writes nothing', async () => {
    const { dir } = await world()
    const result = await deploy(dir, {
      'dry-run': 'true',
      'test-command': './smoke-test\n./load-test',
      'test-timeout': '90s'
    })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.summary).toContain(
      '| Test command | `./smoke-test …` runs once the replacement takes test traffic (up to 1m30s): exit 0 continues the deployment, anything else rolls it back |'
    )
    expect(emulator.writes()).toEqual([])
  })
})
