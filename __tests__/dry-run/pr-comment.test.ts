/* eslint-disable @typescript-eslint/no-explicit-any -- definitions are loose JSON in tests */
/**
 * The dry run on a pull request: the sticky comment on a fake GitHub REST API, the job summary, and what
 * people read in both (snapshots).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { runDryRun } from '../../src/commands/dry-run.js'
import { parseMarker } from '../../src/github/marker.js'
import type { Project } from '../../src/project.js'
import { COMMENT_LIMIT } from '../../src/report/pr-comment.js'
import { startFakeGithub, type FakeGithub } from '../../test/github/server.js'
import { emulatorBackend, writesOf, type Backend } from './backends.js'
import {
  fakeCredentials,
  githubContext,
  liveServiceParams,
  liveTaskDefinition,
  loadFixtureProject,
  testContext
} from './helpers.js'

fakeCredentials()

let backend: Backend
let project: Project
let github: FakeGithub

beforeAll(async () => {
  backend = await emulatorBackend()
  project = await loadFixtureProject(backend.network)
  await backend.createCluster('prod')
  const arn = await backend.registerTaskDefinition(liveTaskDefinition())
  await backend.createService({ ...liveServiceParams(backend.network), cluster: 'prod', taskDefinition: arn })
  await backend.createService({
    ...liveServiceParams(backend.network),
    serviceName: 'worker',
    cluster: 'prod',
    taskDefinition: arn
  })
})
afterAll(async () => backend.close())
beforeEach(async () => {
  github = await startFakeGithub()
  backend.clearLog()
})
afterEach(async () => {
  expect(writesOf(backend.operations())).toEqual([])
  await github.close()
})

const web = (td: any): any => td.containerDefinitions.find((c: any) => c.name === 'web')

function withImage(tag: string, base: Project = project): Project {
  const td = structuredClone(base.taskDefinition) as any
  web(td).image = web(td).image.replace(/:[^:]+$/, `:${tag}`)
  web(td).environment[0].value = 'warn'
  return { ...base, taskDefinition: td }
}

function forService(name: string, base: Project): Project {
  return { ...base, config: { ...base.config, service: name } }
}

async function dryRun(
  target: Project,
  options: { sha?: string; runId?: string; inputs?: Record<string, string>; event?: string } = {}
) {
  const ctx = testContext({
    endpoint: backend.endpoint,
    inputs: { 'github-token': 'ghs_test', ...options.inputs },
    github: githubContext({
      apiUrl: github.url,
      eventName: options.event ?? 'pull_request',
      sha: options.sha ?? '0123456789abcdef0123456789abcdef01234567',
      runId: options.runId ?? '4242'
    })
  })
  const result = await runDryRun(ctx, target)
  return { ...result, log: ctx.log.lines }
}

const comments = () => github.comments('acme/shop', 7)

describe('PR comment', () => {
  it('creates one comment, then updates it on the next push', async () => {
    const first = await dryRun(withImage('v2'))
    expect(comments()).toHaveLength(1)
    expect(first.log.some(line => line.startsWith('Commented on pull request #7'))).toBe(true)
    expect(comments()[0]!.body).toMatchSnapshot('comment with changes')
    expect(first.summary).toMatchSnapshot('summary with changes')

    const second = await dryRun(withImage('v3'), {
      sha: 'fedcba9876543210fedcba9876543210fedcba98',
      runId: '4243'
    })
    expect(comments()).toHaveLength(1)
    expect(second.log.some(line => line.startsWith('Updated the comment on pull request #7'))).toBe(true)
    const body = comments()[0]!.body
    expect(body).toContain('web:v3')
    expect(body).not.toContain('web:v2')
    expect(parseMarker(body)).toMatchObject({
      cluster: 'prod',
      service: 'app',
      sha: 'fedcba9876543210fedcba9876543210fedcba98',
      runId: '4243'
    })
    expect(body).toContain('[workflow run](https://github.com/acme/shop/actions/runs/4243)')
    expect(body).not.toContain('warn"')
  })

  it('replaces a stale diff with "no changes" once the branch matches live', async () => {
    await dryRun(withImage('v2'))
    const result = await dryRun(project, { sha: '1111111111111111111111111111111111111111', runId: '4244' })
    expect(result.outputs['has-changes']).toBe('false')
    expect(comments()).toHaveLength(1)
    expect(comments()[0]!.body).not.toContain('```diff')
    expect(comments()[0]!.body).toMatchSnapshot('comment without changes')
    expect(result.summary).toMatchSnapshot('summary without changes')
  })

  it('keeps a separate comment per service', async () => {
    await dryRun(withImage('v2'))
    await dryRun(forService('worker', withImage('v2')))
    await dryRun(withImage('v3'))
    expect(comments().map(c => parseMarker(c.body)?.service)).toEqual(['app', 'worker'])
    expect(comments()[0]!.body).toContain('web:v3')
    expect(comments()[1]!.body).toContain('web:v2')
  })

  it('cuts a diff too long for a comment and points to the full one', async () => {
    const td = structuredClone(project.taskDefinition) as any
    web(td).dockerLabels = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [
        `com.example.label-${String(i).padStart(4, '0')}`,
        'x'.repeat(20)
      ])
    )
    const result = await dryRun({ ...project, taskDefinition: td })
    const body = comments()[0]!.body
    expect(result.outputs.diff!.length).toBeGreaterThan(COMMENT_LIMIT)
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body).toContain(
      'diff cut to fit a comment; the full diff is in the job summary and log of [the run](https://github.com/acme/shop/actions/runs/4242)'
    )
    expect(body.trimEnd().endsWith('Updated on every push.</sub>')).toBe(true)
    // The summary has room for all of it.
    expect(result.summary).toContain('com.example.label-2999')
  })

  it('warns once and carries on when the token may not comment', async () => {
    github.readOnly = true
    const result = await dryRun(withImage('v2'))
    expect(result.status).toBe('dry-run')
    expect(result.failure).toBeUndefined()
    expect(result.outputs['has-changes']).toBe('true')
    const warnings = result.log.filter(line => line.startsWith('warning:'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('pull-requests: write')
  })

  it('comments only on pull request events unless forced, and never with pr-comment: false', async () => {
    await dryRun(withImage('v2'), { event: 'push' })
    await dryRun(withImage('v2'), { inputs: { 'pr-comment': 'false' } })
    expect(github.requests).toEqual([])
    await dryRun(withImage('v2'), { event: 'workflow_dispatch', inputs: { 'pr-comment': 'true' } })
    expect(comments()).toHaveLength(1)
  })
})
