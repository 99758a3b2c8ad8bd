// Several services in one step through dist/index.js (issue 16): all succeed; one fails under each on-failure;
// a bad file in one of five writes nothing; a dry run on a pull request posts one comment for all.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { startFakeGithub, type FakeGithub } from '../../test/github/server.js'
import { parseMarker } from '../../src/github/marker.js'
import { expect } from '../helpers/expect.js'
import { webService } from '../helpers/fixtures.js'
import { image, results, runSeveral, seedServices, severalProjects } from './black-box.js'

let emulator: Emulator

beforeEach(async () => {
  // ECS's throttling on: a step over many services must stay under it.
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 }, rateLimits: true })
  emulator.createCluster('prod')
})
afterEach(async () => {
  expect(emulator.throttled()).toEqual([])
  await emulator.close()
})

const three = ['api', 'web', 'worker']
const updates = () => emulator.calls('UpdateService').map(r => (r.params as { service: string }).service)

describe('several services in one step', () => {
  it('deploys three services, with one results entry each and one summary table', async () => {
    const dir = await severalProjects(three)
    const before = seedServices(emulator, three)
    const run = await runSeveral(emulator, dir, {})
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('succeeded')
    const entries = results(run)
    expect(entries.map(e => [e.config, e.service, e.status])).toEqual(
      three.map(name => [`deploy/${name}/ecspresso.yml`, name, 'succeeded'])
    )
    for (const entry of entries) {
      expect(entry['previous-task-definition-arn']).toBe(before[entry.service])
      expect(entry['task-definition-arn']).toMatch(new RegExp(`task-definition/${entry.service}:2$`))
      expect(entry['has-changes']).toBe(true)
      expect(entry['deployment-id']).toMatch(/^ecs-svc\//)
    }
    expect(updates().sort()).toEqual(three)
    // One table of all services, then a section per service.
    expect(run.summary).toContain('| status | service | revision (before → after) | duration | cause |')
    for (const name of three) {
      expect(run.summary).toContain(`\`${name}:1\` → \`${name}:2\``)
      expect(run.summary).toContain(`## \`${name}\` on \`prod\``)
    }
    // Interleaved log lines say whose they are.
    expect(run.stdout).toMatch(/\[deploy\/web\/ecspresso\.yml\] registered task definition/)
    // The watches shared their DescribeServices polls: one call a round for three services on one cluster.
    const watchCalls = emulator
      .calls('DescribeServices')
      .filter(r => !(r.params as { include?: string[] }).include)
    const asked = watchCalls.reduce((n, r) => n + (r.params as { services: string[] }).services.length, 0)
    expect(asked / watchCalls.length).toBeGreaterThan(2)
  })

  it('on-failure: continue (default): the others finish; the step fails with the worst status', async () => {
    const dir = await severalProjects(three)
    seedServices(emulator, three)
    emulator.scenario.failTasks({ image: image('web', 'v2') }, { kind: 'cannot-pull' })
    const run = await runSeveral(emulator, dir, {})
    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('rolled-back')
    expect(Object.fromEntries(results(run).map(e => [e.service, e.status]))).toEqual({
      api: 'succeeded',
      web: 'rolled-back',
      worker: 'succeeded'
    })
    expect(run.errors.join('\n')).toContain('web (rolled-back)')
  })

  it('on-failure: stop: no new deploy starts after a failure; nothing is written to those', async () => {
    const dir = await severalProjects(three)
    seedServices(emulator, three)
    emulator.scenario.failTasks({ image: image('api', 'v2') }, { kind: 'cannot-pull' })
    const run = await runSeveral(emulator, dir, { 'on-failure': 'stop', 'max-parallel': '1' })
    expect(run.exitCode).toBe(1)
    expect(Object.fromEntries(results(run).map(e => [e.service, e.status]))).toEqual({
      api: 'rolled-back',
      web: 'skipped',
      worker: 'skipped'
    })
    expect(updates()).toEqual(['api'])
    expect(
      emulator.calls('RegisterTaskDefinition').map(r => (r.params as { family: string }).family)
    ).toEqual(['api'])
    expect(run.summary).toContain('not started: deploy/api/ecspresso.yml failed (on-failure: stop)')
  })

  it('on-failure: rollback: every service this step changed goes back to its revision before', async () => {
    const dir = await severalProjects(three)
    const before = seedServices(emulator, three)
    emulator.scenario.failTasks({ image: image('worker', 'v2') }, { kind: 'cannot-pull' })
    const run = await runSeveral(emulator, dir, { 'on-failure': 'rollback', 'max-parallel': '3' })
    expect(run.exitCode).toBe(1)
    const entries = Object.fromEntries(results(run).map(e => [e.service, e]))
    // worker was rolled back by the circuit breaker; api and web, which succeeded, by on-failure.
    expect(entries.worker!.status).toBe('rolled-back')
    expect(entries.worker!.rollback).toBeUndefined()
    for (const name of ['api', 'web']) {
      expect(entries[name]!.status).toBe('rolled-back')
      expect(entries[name]!.rollback).toBe('rolled-back')
      expect(entries[name]!['task-definition-arn']).toBe(before[name])
      expect((emulator.describeService('prod', name) as { taskDefinition: string }).taskDefinition).toBe(
        before[name]
      )
    }
    expect(run.summary).toContain('(rollback: rolled-back)')
  })

  it('on-failure: rollback also takes a failed service still on its new revision back', async () => {
    const dir = await severalProjects(three)
    const before = seedServices(emulator, three)
    // worker has no circuit breaker and 3 s to deploy: its tasks never start, it times out on v2.
    await writeFile(
      join(dir, 'deploy', 'worker', 'ecspresso.yml'),
      'region: us-east-1\ncluster: prod\nservice: worker\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 3s\n'
    )
    await writeFile(
      join(dir, 'deploy', 'worker', 'sd.json'),
      JSON.stringify(
        webService({
          deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } }
        })
      )
    )
    emulator.scenario.failTasks({ image: image('worker', 'v2') }, { kind: 'cannot-pull' })
    const run = await runSeveral(emulator, dir, { 'on-failure': 'rollback' })
    expect(run.exitCode).toBe(1)
    const entries = Object.fromEntries(results(run).map(e => [e.service, e]))
    for (const name of three) {
      expect(entries[name]!.status).toBe('rolled-back')
      expect(entries[name]!.rollback).toBe('rolled-back')
      expect((emulator.describeService('prod', name) as { taskDefinition: string }).taskDefinition).toBe(
        before[name]
      )
    }
    expect(run.summary).toContain('deployment timed out: the deployment did not finish within 3s')
    expect(run.summary).toContain('| `worker:1` → `worker:2` ↩ `worker:1` |')
  })

  it('a bad file in one of five: zero writes to any service, one error naming the file', async () => {
    const five = ['a', 'b', 'c', 'd', 'e']
    const dir = await severalProjects(five)
    seedServices(emulator, five)
    emulator.clearLog()
    // An unknown key in one task definition: caught before any write.
    const td = join(dir, 'deploy', 'c', 'td.json')
    await writeFile(
      td,
      JSON.stringify({
        family: 'c',
        containerDefinitions: [
          { name: 'app', image: 'nginx:{{ must_env `IMAGE_TAG` }}', memoryReservaton: 64 }
        ]
      })
    )
    const run = await runSeveral(emulator, dir, {})
    expect(run.exitCode).toBe(1)
    expect(emulator.writes()).toEqual([])
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('deploy/c/ecspresso.yml')
    expect(run.errors[0]).toContain('memoryReservaton')
    expect(run.outputs.status).toBe('failed')
  })

  it("a service's read-only checks failing (a live cross-check) stops all five before any write", async () => {
    const five = ['a', 'b', 'c', 'd', 'e']
    const dir = await severalProjects(five)
    // d does not exist in the cluster and has no way to be created here: its check fails, after the
    // others passed theirs.
    seedServices(
      emulator,
      five.filter(n => n !== 'd')
    )
    await writeFile(
      join(dir, 'deploy', 'd', 'ecspresso.yml'),
      'region: us-east-1\ncluster: prod\nservice: d\ntask_definition: td.json\n'
    )
    emulator.clearLog()
    const run = await runSeveral(emulator, dir, {})
    expect(run.exitCode).toBe(1)
    expect(emulator.writes()).toEqual([])
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('deploy/d/ecspresso.yml')
    expect(run.errors[0]).toContain('does not exist')
  })

  it("a pattern that matches one file is a single-config step: today's outputs, no results", async () => {
    const dir = await severalProjects(['web'])
    const before = seedServices(emulator, ['web'])
    const run = await runSeveral(emulator, dir, {})
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'previous-task-definition-arn': before.web,
      'has-changes': 'true'
    })
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/web:2$/)
    expect(run.outputs.results).toBeUndefined()
    expect(run.stdout).not.toContain('[deploy/web/ecspresso.yml]')
  })

  it('a pattern that matches nothing is one clear error', async () => {
    const dir = await severalProjects(three)
    const run = await runSeveral(emulator, dir, {
      config: 'deploy/*/ecspresso.yml\nservices/*/ecspresso.yml'
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toContain("the config pattern 'services/*/ecspresso.yml' matches no file")
    expect(emulator.requests).toEqual([])
  })

  it('commands other than deploy say they take one config', async () => {
    const dir = await severalProjects(three)
    const run = await runSeveral(emulator, dir, { command: 'rollback' })
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toContain('command: rollback takes one config, and config names 3')
    expect(emulator.writes()).toEqual([])
  })
})

describe('a dry run of several services on a pull request', () => {
  let github: FakeGithub
  beforeEach(async () => {
    github = await startFakeGithub()
  })
  afterEach(async () => {
    await github.close()
  })

  it('posts one comment for all: a verdict a line at the top, then a section per service', async () => {
    const dir = await severalProjects(three)
    seedServices(emulator, three)
    // worker is already on v2 (its live image matches): no change there.
    const plan = () =>
      runSeveral(
        emulator,
        dir,
        { 'dry-run': 'true', 'github-token': 'ghs_workflow_token' },
        {
          event: {
            name: 'pull_request',
            payload: { number: 7, pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } }
          },
          env: { GITHUB_API_URL: github.url }
        }
      )
    const run = await plan()
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs.status).toBe('dry-run')
    expect(emulator.writes()).toEqual([])
    const comments = github.comments('octo-org/web', 7)
    expect(comments).toHaveLength(1)
    const body = comments[0]!.body
    expect(parseMarker(body)).toMatchObject({ cluster: '', service: '', config: 'deploy/*/ecspresso.yml' })
    expect(body).toContain('### ECS dry run: 3 services')
    const verdicts = body.split('\n').filter(line => line.startsWith('- '))
    expect(verdicts.slice(0, 3).map(l => l.replace(/^- \S+ /, '').split(':')[0])).toEqual(
      three.map(name => `\`${name}\` on \`prod\``)
    )
    for (const name of three) expect(body).toContain(`#### \`${name}\` on \`prod\``)
    expect(body).toContain(image('web', 'v2'))
    expect(body.length).toBeLessThanOrEqual(65_536)

    // The next push updates that one comment.
    const again = await plan()
    expect(again.exitCode, again.stdout).toBe(0)
    expect(github.comments('octo-org/web', 7)).toHaveLength(1)

    // A plan that fails (a bad file in one service) replaces it: the same one comment says so.
    await writeFile(join(dir, 'deploy', 'api', 'td.json'), '{"family": "api", "containerDefinitions": [')
    const failed = await plan()
    expect(failed.exitCode).toBe(1)
    const after = github.comments('octo-org/web', 7)
    expect(after).toHaveLength(1)
    expect(after[0]!.body).toContain('plan failed')
    expect(after[0]!.body).toContain('deploy/api/ecspresso.yml')
  })
})
