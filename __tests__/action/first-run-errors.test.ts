// The two errors a first run meets, run as the runner runs dist/index.js: no AWS credentials at all, and an
// endpoint that does not resolve. Each is one line with a hint; stack traces only in the debug log.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, it } from '@jest/globals'
import { runAction, type ActionRun } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'first-run-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\n'
  )
  await writeFile(
    join(dir, 'td.json'),
    JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] })
  )
})

/** No credentials anywhere: no AWS_* keys, no profile files (HOME is empty), no instance metadata. */
const noCredentials = {
  HOME: '',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1'
}
const unresolvable = { AWS_ENDPOINT_URL_ECS: 'http://ecs.does-not-resolve.invalid', AWS_REGION: 'us-east-1' }

const deploy = (env: Record<string, string>) =>
  runAction({
    inputs: { config: join(dir, 'ecspresso.yml') },
    env: { ...env, HOME: env.HOME === '' ? dir : (env.HOME ?? dir) },
    // A hang guard, not a timing target (that belongs in `npm run bench`): the SDK retries a DNS failure
    // like any network error, so this waits out the client's whole retry schedule.
    timeoutMs: 90_000
  })

/** Lines of a Node stack trace (`    at fn (file:1:2)`), as printed or %0A-encoded in a workflow command. */
const STACK_LINE = /(^|\n|%0A)\s+at \S/

function expectNoStack(run: ActionRun): void {
  expect(run.stdout).not.toMatch(STACK_LINE)
  expect(run.summary).not.toMatch(STACK_LINE)
  for (const error of run.errors) expect(error).not.toMatch(STACK_LINE)
}

describe('first-run errors through dist/index.js', () => {
  it('missing credentials: one line naming the problem, the configure-aws-credentials hint, no stack', async () => {
    const run = await deploy(noCredentials)
    expect(run.exitCode).not.toBe(0)
    expect(run.outputs.status).toBe('failed')
    expect(run.errors).toHaveLength(1)
    const [headline, hint] = run.errors[0]!.split('\n')
    expect(headline).toBe(
      'DescribeServices: no AWS credentials were found (Could not load credentials from any providers)'
    )
    expect(hint).toContain('aws-actions/configure-aws-credentials')
    expect(hint).toContain('permissions: id-token: write')
    expect(run.summary).toContain('no AWS credentials were found')
    expect(run.summary).toContain('configure-aws-credentials')
    expect(run.stdout).not.toContain('CredentialsProviderError')
    expectNoStack(run)
  })

  it('an endpoint that does not resolve: one line with the host, the region/endpoint/network hint, no stack', async () => {
    const run = await deploy({ ...unresolvable, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' })
    expect(run.exitCode).not.toBe(0)
    expect(run.outputs.status).toBe('failed')
    expect(run.errors).toHaveLength(1)
    const [headline, hint] = run.errors[0]!.split('\n')
    expect(headline).toBe(
      'DescribeServices: cannot reach the AWS endpoint ecs.does-not-resolve.invalid (getaddrinfo ENOTFOUND ecs.does-not-resolve.invalid)'
    )
    expect(hint).toMatch(/region.*AWS_ENDPOINT_URL.*reach AWS/)
    expect(run.summary).toContain('cannot reach the AWS endpoint')
    expectNoStack(run)
  }, 100_000)

  it('with runner debug logging the stack goes to the debug log, and still nowhere else', async () => {
    const run = await deploy({ ...noCredentials, ACTIONS_STEP_DEBUG: 'true' })
    expect(run.exitCode).not.toBe(0)
    const debug = run.stdout.split('\n').filter(line => line.startsWith('::debug::'))
    expect(debug.some(line => line.includes('CredentialsProviderError') && STACK_LINE.test(line))).toBe(true)
    const notDebug = run.stdout
      .split('\n')
      .filter(line => !line.startsWith('::debug::'))
      .join('\n')
    expect(notDebug).not.toMatch(STACK_LINE)
    expect(run.summary).not.toMatch(STACK_LINE)
  })
})

describe('a webhook payload that is not JSON (GITHUB_EVENT_PATH empty)', () => {
  it('a dry run still plans, with no stack trace: the payload is read forgivingly, the GitHub client loads only to comment', async () => {
    const { startEmulator } = await import('../../test/emulator/index.js')
    const emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
    try {
      emulator.createCluster('prod')
      const empty = join(dir, 'empty-event.json')
      await writeFile(empty, '')
      const run = await runAction({
        inputs: { config: join(dir, 'ecspresso.yml'), 'dry-run': 'true' },
        env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', GITHUB_EVENT_PATH: empty }
      })
      expect(run.stderr + run.stdout).not.toMatch(/SyntaxError|\n\s+at /)
      expect(run.outputs.status, run.stdout + run.stderr).toBe('dry-run')
      expect(run.exitCode).toBe(0)
      expect(emulator.writes()).toEqual([])
    } finally {
      await emulator.close()
    }
  })
})
