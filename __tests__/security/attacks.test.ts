/* eslint-disable @typescript-eslint/no-explicit-any -- definitions are loose JSON in tests */
/**
 * Attacks through dist/index.js, run as the runner runs it, against the ECS emulator, a fake SSM and the fake
 * GitHub API. Every case checks what a person could read: no secret in the PR comment, the job summary, the
 * outputs or the log (a log line counts as masked only when the runner had an `::add-mask::` for it before),
 * no workflow command forged from the attacker's text, and no write to AWS.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MarkdownIt from 'markdown-it'
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from '@jest/globals'
import { expect } from '../helpers/expect.js'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { startFakeGithub, type FakeGithub } from '../../test/github/server.js'
import { startFakeSsm, type FakeSsm } from '../helpers/fake-ssm.js'
import { runAction, type ActionRun } from '../helpers/run-action.js'
import { forgedCommands, readRunnerLog } from '../helpers/runner-log.js'
import { seedLiveWeb } from '../helpers/black-box.js'
import { webService, webTask } from '../helpers/fixtures.js'

const SECRET = 'pa55-Secure-Str1ng'
const ROTATED = 'OLD-rotated-Secret-99'
const QUOTED = 'q"uote\\back<tag>&amp-x'
const PORT = 'port-secret-4242'
const MULTILINE = 'first-line-secret\nsecond-line-secret'
const SHORT = 'x9'
const TOKEN = 'ghs_sinkTestToken0123456789abcdef'
const SESSION = 'FQoGZXIvYXdzEsessiontoken42'
const AWS_SECRET = 'secret-for-tests' // what run-action.ts sets as AWS_SECRET_ACCESS_KEY
const ENV_SECRET = 'env-Secret-value-77'
const ALL_SECRETS = [
  SECRET,
  ROTATED,
  QUOTED,
  PORT,
  MULTILINE,
  ...MULTILINE.split('\n'),
  TOKEN,
  SESSION,
  AWS_SECRET
]

let ssm: FakeSsm
let emulator: Emulator
let github: FakeGithub
let dir: string

beforeAll(async () => {
  ssm = await startFakeSsm({
    '/app/password': { Type: 'SecureString', Value: SECRET },
    '/app/quoted': { Type: 'SecureString', Value: QUOTED },
    '/app/port': { Type: 'SecureString', Value: PORT },
    '/app/multiline': { Type: 'SecureString', Value: MULTILINE },
    '/app/short': { Type: 'SecureString', Value: SHORT },
    '/app/host': { Type: 'String', Value: 'db.internal.example' }
  })
})
afterAll(async () => ssm.close())

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'virtual' } })
  emulator.createCluster('prod')
  github = await startFakeGithub()
  dir = await mkdtemp(join(tmpdir(), 'sink-attack-'))
})
afterEach(async () => {
  await github.close()
  await emulator.close()
})

const liveService = webService({ desiredCount: 1 })

function taskDefinition(container: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): any {
  return { ...webTask('registry.example.com/web:v1', container), ...extra }
}

/** A live service `web` running `definition`: by default, with docker labels holding the previous secret. */
function seedLive(
  definition = taskDefinition({
    dockerLabels: { 'db.password': ROTATED, 'db.url': `postgres://u:${ROTATED}@db` }
  })
): void {
  seedLiveWeb(emulator, definition, liveService)
}

interface Attack {
  readonly config?: string
  /** The task definition template (text, so a case can hold a syntax error; bytes for invalid UTF-8). */
  readonly td: string | Buffer
  readonly sd?: string
  readonly inputs?: Record<string, string>
  readonly env?: Record<string, string>
}

interface Seen {
  readonly run: ActionRun
  readonly comments: string[]
  readonly log: ReturnType<typeof readRunnerLog>
  /** What the log viewer shows, stdout and stderr, after the runner's masking. */
  readonly shownLog: string
}

async function attack(a: Attack): Promise<Seen> {
  await writeFile(
    join(dir, 'ecspresso.yml'),
    a.config ??
      'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n'
  )
  await writeFile(join(dir, 'td.json'), a.td)
  await writeFile(join(dir, 'sd.json'), a.sd ?? JSON.stringify(liveService))
  emulator.clearLog()
  const run = await runAction({
    inputs: {
      config: join(dir, 'ecspresso.yml'),
      'dry-run': 'true',
      'github-token': TOKEN,
      ...a.inputs
    },
    event: {
      name: 'pull_request',
      payload: {
        pull_request: { number: 7, head: { sha: 'a'.repeat(40) } },
        repository: { full_name: 'octo-org/web' }
      }
    },
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: ssm.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_SESSION_TOKEN: SESSION,
      GITHUB_API_URL: github.url,
      ...a.env
    }
  })
  const log = readRunnerLog(run.stdout)
  const stderr = log.masks.reduce((out, m) => out.split(m).join('***'), run.stderr)
  return {
    run,
    comments: github.comments('octo-org/web', 7).map(c => c.body),
    log,
    shownLog: `${log.shown.join('\n')}\n${stderr}`
  }
}

/** The checks every attack gets: no secret anywhere a person reads, no forged command, no AWS write. */
function expectContained(seen: Seen, secrets: readonly string[] = ALL_SECRETS): void {
  const places: [string, string][] = [
    ['comment', seen.comments.join('\n')],
    ['summary', seen.run.summary],
    ['outputs', JSON.stringify(seen.run.outputs)],
    ['outputs (raw)', Object.values(seen.run.outputs).join('\n')],
    ['log', seen.shownLog]
  ]
  for (const secret of secrets)
    for (const [where, text] of places)
      expect({ where, secret, leaked: text.includes(secret) }).toEqual({ where, secret, leaked: false })
  expect(forgedCommands(seen.log, 'FORGED')).toEqual([])
  expect(emulator.writes().map(r => r.operation)).toEqual([])
}

/** GitHub renders comments and summaries as GFM with some HTML: what headings and links would a reader see? */
const markdown = new MarkdownIt({ html: true })
function rendered(text: string): { headings: string[]; links: string[] } {
  const tokens = markdown.parse(text, {})
  const headings: string[] = []
  const links: string[] = []
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') headings.push(tokens[i + 1]?.content ?? '')
    for (const child of token.children ?? [])
      if (child.type === 'link_open') links.push(String(child.attrGet('href') ?? ''))
  })
  return { headings, links }
}

const label = (value: string) => JSON.stringify(value).slice(1, -1)

describe('secrets never leave (issue 12 items 1-3)', () => {
  it('an SSM SecureString in docker labels, command, task definition tags and service tags is hidden everywhere; the rotated live value too', async () => {
    seedLive()
    const ssmValue = '{{ ssm `/app/password` }}'
    const seen = await attack({
      td: JSON.stringify(
        taskDefinition(
          {
            dockerLabels: { 'db.password': ssmValue, 'db.url': `postgres://u:${ssmValue}@db` },
            command: [`--password=${ssmValue}`, '--host={{ ssm `/app/host` }}']
          },
          { tags: [{ key: 'pw', value: ssmValue }] }
        )
      ),
      sd: JSON.stringify({ ...liveService, tags: [{ key: 'pw', value: `x-${ssmValue}` }] })
    })
    expect(seen.run.exitCode, seen.run.stdout).toBe(0)
    expect(seen.run.outputs.status).toBe('dry-run')
    expectContained(seen)
    const diff = seen.run.outputs.diff!
    // The field still shows as changed, without either value.
    expect(diff).toContain('-        "db.password": "•••"')
    expect(diff).toContain('+        "db.password": "••• (changed)"')
    expect(diff).toContain('"postgres://u:•••@db"')
    expect(diff).toContain('--host=db.internal.example') // a plain String parameter is not a secret
    expect(seen.comments).toHaveLength(1)
    expect(seen.comments[0]).toContain('"db.password": "•••"')
    // The runner was told to mask the value before any line could show it.
    const firstMask = seen.run.stdout.indexOf(`::add-mask::${SECRET}`)
    expect(firstMask).toBeGreaterThanOrEqual(0)
    expect(seen.run.stdout.indexOf(SECRET)).toBe(firstMask + '::add-mask::'.length)
  })

  it('hides the JSON- and HTML-escaped forms of a secret, and each line of a multi-line one', async () => {
    const seen = await attack({
      td: JSON.stringify(
        taskDefinition({
          dockerLabels: {
            quoted: '{{ ssm `/app/quoted` | json_escape }}',
            multi: '{{ ssm `/app/multiline` | json_escape }}'
          }
        })
      )
    })
    expect(seen.run.exitCode, seen.run.stdout).toBe(0)
    expectContained(seen, [...ALL_SECRETS, label(QUOTED), label(MULTILINE), 'q&quot;uote', 'back&lt;tag&gt;'])
    expect(seen.run.outputs.diff).toContain('"quoted": "•••"')
  })

  it('a JSON syntax error quoting the rendered line that holds an SSM value does not show the value', async () => {
    const seen = await attack({
      td: `{\n  "family": "web",\n  "containerDefinitions": [{"name": "app", "image": "x", "command": ["{{ ssm \`/app/password\` }}" "oops"]}]\n}\n`
    })
    expect(seen.run.exitCode).not.toBe(0)
    expect(seen.run.errors.length).toBeGreaterThan(0)
    expect(seen.run.errors.join('\n')).toContain('td.json')
    expectContained(seen)
  })

  it('a type error on an SSM value used as containerPort does not quote the value', async () => {
    const seen = await attack({
      td: JSON.stringify(taskDefinition({ portMappings: [{ containerPort: '{{ ssm `/app/port` }}' }] }))
    })
    expect(seen.run.exitCode).not.toBe(0)
    expect(seen.run.errors.join('\n')).toMatch(/containerPort/)
    expectContained(seen)
  })

  it('an error quoting a secret (a cluster named by a secret environment variable) is redacted', async () => {
    const seen = await attack({
      config:
        'region: us-east-1\ncluster: "{{ must_env `CLUSTER` }}"\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n',
      td: JSON.stringify(taskDefinition()),
      env: { CLUSTER: ENV_SECRET }
    })
    expect(seen.run.exitCode).not.toBe(0)
    expect(seen.run.errors.join('\n')).toContain('•••')
    expectContained(seen, [...ALL_SECRETS, ENV_SECRET])
  })

  it('AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the GitHub token in labels are hidden even with redact: false', async () => {
    const seen = await attack({
      inputs: { redact: 'false' },
      env: { GITHUB_TOKEN: TOKEN },
      td: JSON.stringify(
        taskDefinition({
          dockerLabels: {
            key: '{{ env `AWS_SECRET_ACCESS_KEY` }}',
            session: 'token={{ env `AWS_SESSION_TOKEN` }}',
            gh: '{{ env `GITHUB_TOKEN` }}'
          }
        })
      )
    })
    expect(seen.run.exitCode, seen.run.stdout).toBe(0)
    expectContained(seen)
    expect(seen.run.outputs.diff).toContain('"session": "token=•••"')
  })

  it('an environment variable a template reads is a secret while redact is on, and shown when it is off', async () => {
    const td = JSON.stringify(
      taskDefinition({ dockerLabels: { db: '{{ env `DB_PASSWORD` }}', tag: '{{ env `IMAGE_TAG` }}' } })
    )
    const on = await attack({ td, env: { DB_PASSWORD: ENV_SECRET }, inputs: { 'image-tag': 'release-2024' } })
    expect(on.run.exitCode, on.run.stdout).toBe(0)
    expectContained(on, [...ALL_SECRETS, ENV_SECRET])
    // IMAGE_TAG comes from the image-tag input: public by construction, so it stays readable.
    expect(on.comments[0]).toContain('"tag": "release-2024"')
    const off = await attack({ td, env: { DB_PASSWORD: ENV_SECRET }, inputs: { redact: 'false' } })
    expect(off.comments[0]).toContain(ENV_SECRET)
  })

  it('a secret shorter than the minimum is hidden where it is a whole JSON string, and a warning says so', async () => {
    const seen = await attack({
      td: JSON.stringify(taskDefinition({ dockerLabels: { short: '{{ ssm `/app/short` }}' } }))
    })
    expect(seen.run.exitCode, seen.run.stdout).toBe(0)
    expectContained(seen, [...ALL_SECRETS, `"${SHORT}"`])
    expect(seen.run.outputs.diff).toContain('"short": "•••"')
    expect(
      seen.log.commands.some(c => c.name === 'warning' && c.data.includes('ssm /app/short is shorter than'))
    ).toBe(true)
  })
})

describe('nothing forges the log, the comment or the outputs (issue 12 items 4-5)', () => {
  // A branch name is attacker-controlled and public: GITHUB_HEAD_REF is never treated as a secret.
  const PAYLOAD =
    'web\n::warning::FORGED warning\n::set-output name=status::FORGED\n::add-mask::FORGED\n' +
    '  ::error title=FORGED::x\r::notice::FORGED cr\n##[warning]FORGED v1\n::stop-commands::FORGED\n' +
    '# Security review: approved\n[approved](https://evil.example)'

  it('a service name with newlines (env through json_escape) prints no workflow command and makes no heading', async () => {
    const seen = await attack({
      config:
        'region: us-east-1\ncluster: prod\nservice: "{{ env `GITHUB_HEAD_REF` | json_escape }}"\ntask_definition: td.json\nservice_definition: sd.json\n',
      td: JSON.stringify(taskDefinition()),
      env: { GITHUB_HEAD_REF: PAYLOAD }
    })
    expectContained(seen)
    expect(seen.run.outputs.status).not.toBe('FORGED')
    expect(seen.log.masks).not.toContain('FORGED')
    expect(seen.comments).toHaveLength(1)
    for (const text of [...seen.comments, seen.run.summary]) {
      const { headings, links } = rendered(text)
      expect(headings.filter(h => h.startsWith('Security review'))).toEqual([])
      expect(links.filter(href => href.includes('evil.example'))).toEqual([])
      expect(headings.length).toBeGreaterThan(0) // the action's own heading is still there
    }
    // The attacker's text is still shown (inert), not dropped.
    expect(seen.shownLog).toContain('::warning::FORGED warning')
  })

  it('a raw newline from env inside a JSON string: the located parse error prints no command', async () => {
    const seen = await attack({
      td: JSON.stringify(taskDefinition({ dockerLabels: { ref: '{{ env `GITHUB_HEAD_REF` }}' } })),
      env: { GITHUB_HEAD_REF: PAYLOAD }
    })
    expect(seen.run.exitCode).not.toBe(0)
    expectContained(seen)
    expect(rendered(seen.run.summary).headings.filter(h => h.startsWith('Security review'))).toEqual([])
  })

  it('a docker label value with Markdown and backtick fences cannot break out of the diff fence', async () => {
    const seen = await attack({
      td: JSON.stringify(
        taskDefinition({ dockerLabels: { note: '```` </details>\n# Security review: approved' } })
      ),
      inputs: { redact: 'false' }
    })
    expect(seen.run.exitCode, seen.run.stdout).toBe(0)
    const body = seen.comments[0]!
    const fence = /^(`{3,})diff$/m.exec(body)![1]!
    expect(fence.length).toBeGreaterThan(4)
    // The label's text stays inside the fenced diff: no heading, and the details block still closes after it.
    expect(rendered(body).headings.filter(h => h.startsWith('Security review'))).toEqual([])
    expect(markdown.parse(body, {}).find(t => t.type === 'fence')?.content).toContain('Security review')
    expectContained(seen)
  })
})

describe('outputs within GitHub limits (issue 12 item 11)', () => {
  // A definition over ECS's 64 KiB is refused before any read (the 2.5 MB diff of the report came from a 50 MB
  // one), so the largest diff is two definitions just under that limit: past the comment's size, not the
  // output's, which the sink's unit tests cut.
  it('a diff of two 56 KB task definitions is cut in the comment with a note, and kept whole in the output', async () => {
    const labels = (value: string) =>
      Object.fromEntries(
        Array.from({ length: 70 }, (_, i) => [
          `com.example.label-${String(i).padStart(4, '0')}`,
          value.repeat(800)
        ])
      )
    seedLive(taskDefinition({ dockerLabels: labels('w') }))
    const seen = await attack({
      td: JSON.stringify(taskDefinition({ dockerLabels: labels('v') })),
      inputs: { redact: 'false' }
    })
    expect(seen.run.exitCode, seen.run.stdout).toBe(0)
    const diff = seen.run.outputs.diff!
    expect(diff.length).toBeGreaterThan(100_000)
    expect(diff).not.toContain('the diff output is cut')
    expect(Buffer.byteLength(seen.run.summary, 'utf8')).toBeLessThanOrEqual(1024 * 1024)
    expect(seen.comments[0]!.length).toBeLessThanOrEqual(65_536)
    expect(seen.comments[0]).toMatch(/cut to fit a comment/)
    expectContained(seen)
  })
})

describe('bad input carrying a secret: one located error, no write, no leak (issue 12 items 8-11)', () => {
  const pw = '{{ ssm `/app/password` }}'
  const withLabels = (labels: Record<string, string>, container: Record<string, unknown> = {}) =>
    JSON.stringify(taskDefinition({ dockerLabels: { pw, ...labels }, ...container }), null, 2)
  const containers = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `c${i}`,
      image: 'registry.example.com/web:v1',
      essential: i === 0
    }))
  const lines = [
    '{',
    '  "family": "web",',
    '  "networkMode": "awsvpc",',
    '  "requiresCompatibilities": ["FARGATE"],',
    '  "cpu": "256",',
    '  "memory": "512",',
    '  "containerDefinitions": [',
    '    {',
    '      "name": "app",',
    `      "dockerLabels": { "pw": "${pw}" },`,
    '      "image": {{ must_env `IMAGE_TAG` }},',
    '      "essential": true',
    '    }',
    '  ]',
    '}'
  ]
  const cases: { name: string; attack: Attack; error: RegExp }[] = [
    {
      name: 'a range of 10^8 steps (item 8)',
      attack: { td: withLabels({ loop: '{{ range 100000000 }}x{{ end }}' }) },
      error: /td\.json:\d+:\d+: .*(steps|work)/i
    },
    {
      name: 'nested ranges of 10^10 steps (item 8)',
      attack: { td: withLabels({ loop: '{{ range 100000 }}{{ range 100000 }}x{{ end }}{{ end }}' }) },
      error: /td\.json:\d+:\d+: .*(steps|work)/i
    },
    {
      name: 'printf widths that would build megabytes (item 8)',
      attack: { td: withLabels({ pad: '{{ range 20 }}{{ printf `%1000000d` 1 }}{{ end }}' }) },
      error: /td\.json:\d+:\d+: .*larger than/
    },
    {
      name: 'a YAML alias bomb in the config (item 9)',
      attack: {
        config: [
          'region: us-east-1',
          'cluster: prod',
          'service: web',
          'task_definition: td.json',
          'service_definition: sd.json',
          'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
          'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
          'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
          'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
          'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
          'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
          ''
        ].join('\n'),
        td: withLabels({})
      },
      error: /ecspresso\.yml:\d+:\d+: .*alias/i
    },
    {
      name: 'a duplicate key in JSON (item 9)',
      attack: { td: withLabels({}).replace('"cpu": "256",', '"cpu": "256",\n  "cpu": "4096",') },
      error: /td\.json:\d+:\d+: .*duplicate/i
    },
    {
      name: 'invalid UTF-8 (item 9)',
      attack: {
        td: Buffer.concat([
          Buffer.from(withLabels({ note: 'before' }).replace('"before"', '"be')),
          Buffer.from([0xc3, 0x28]),
          Buffer.from(withLabels({ note: 'before' }).split('"before"')[1]!.replace(/^/, 'fore"'))
        ])
      },
      error: /td\.json:\d+:\d+: .*UTF-8/
    },
    {
      name: 'an unquoted template value, reported at its own line (item 10)',
      attack: { td: lines.join('\n') + '\n', env: { IMAGE_TAG: 'registry.example.com/web:v1' } },
      error: /td\.json:11:\d+: /
    },
    {
      name: 'eleven containers (item 11)',
      attack: {
        td: JSON.stringify(taskDefinition({ dockerLabels: { pw } }, { containerDefinitions: containers(11) }))
      },
      error: /td\.json.*(10 containers|at most 10)/
    },
    {
      name: 'an image reference with "=" in its tag (item 11)',
      attack: { td: withLabels({}, { image: 'repo/web:tag=evil' }) },
      error: /td\.json:\d+:\d+: .*image reference/
    },
    {
      name: 'an image reference holding a NUL (item 11)',
      attack: { td: withLabels({}, { image: 'repo/web\u0000:v1' }) },
      error: /td\.json:\d+:\d+: .*image reference/
    },
    {
      name: 'a task definition over 64 KiB (item 11)',
      attack: { td: withLabels({ big: 'v'.repeat(70 * 1024) }) },
      error: /td\.json.*64 KiB/
    }
  ]

  it.each(cases)('$name', async ({ attack: a, error }) => {
    const seen = await attack(a)
    expect(seen.run.exitCode, seen.run.stdout).toBe(1)
    expect(seen.run.outputs.status).toBe('failed')
    expect(seen.run.errors).toHaveLength(1)
    expect(seen.run.errors[0]).toMatch(error)
    expect(`${seen.run.stdout}\n${seen.run.summary}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    expectContained(seen)
  })
})
