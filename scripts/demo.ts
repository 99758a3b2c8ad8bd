// `npm run demo`: a release told end to end against the local emulator, through the CLI (the action's own
// code, bin/ecs-deploy-action.mjs over dist/index.js): a pull request's plan and its comment, a deploy, a deploy
// that fails with its diagnosis and rolls back, a migration with `run`, and a blue/green deploy paused for checks
// and promoted. Each job summary and comment is also written as a page rendered as GitHub renders it.
//
// DEMO_OUT=dir keeps the pages and story.json there (else a temporary directory); DEMO_SPEED (default 10)
// is how many emulated seconds pass each real second.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { markdownToTerminal, colorStyle, plainStyle } from '../src/cli/markdown.js'
import { Commands } from '../src/contract.js'
import { applySeed, type SeedFile } from '../test/emulator/cli.js'
import { startEmulator } from '../test/emulator/index.js'
import { NODE24 } from '../test/emulator/process.js'
import { startFakeGithub } from '../test/github/server.js'
import { writeGithubPage } from './demo/github-page.js'

const root = resolve(import.meta.dirname, '..')
const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined
const style = color ? colorStyle : plainStyle
const speed = Number(process.env.DEMO_SPEED ?? '10')
const out = process.env.DEMO_OUT ?? (await mkdtemp(join(tmpdir(), 'ecs-deploy-demo-')))
await mkdir(out, { recursive: true })

const REPO = 'octo-org/web'
const PR = 7
const SHA = '0123456789abcdef0123456789abcdef01234567'
const ROLLING = 'examples/rolling/ecspresso.yml'

/** How a scene ended, and what the story expects of it. */
interface SceneResult {
  readonly scene: string
  readonly expected: string
  readonly status: string
  readonly ok: boolean
  readonly pages: string[]
  readonly notes: string[]
}

const emulator = await startEmulator({ clock: { mode: 'real', speed } })
const seed = JSON.parse(await readFile(join(root, 'examples/rolling/seed.json'), 'utf8')) as SeedFile
applySeed(emulator, seed)
const nativeConfig = await seedNativeBlueGreen()
const github = await startFakeGithub()
github.setHead(REPO, PR, SHA)
const results: SceneResult[] = []

try {
  say(
    'The story: examples/rolling runs web:1 (image v1.0.0) on the emulator. A pull request bumps the image to ' +
      'v1.1.0; it is planned, merged and deployed; then a broken image is deployed and rolls back; a migration ' +
      'runs as a one-off task; a blue/green service is deployed, paused for checks and promoted.'
  )

  await scene({
    n: 1,
    title: 'Pull request: the plan and its comment',
    what: `A dry run on pull request #${PR}: what would change, posted as a sticky comment.`,
    // --quiet: the log would show the diff a third time; the summary and the comment show it.
    argv: ['diff', '--config', ROLLING, '--image-tag', 'v1.1.0', '--quiet'],
    expected: 'dry-run',
    env: await pullRequestEnv(),
    check: async (_summary, pages) => {
      const comment = github.comments(REPO, PR)[0]?.body
      if (comment === undefined) return 'no PR comment was posted'
      heading('The pull request comment, as posted')
      process.stdout.write(markdownToTerminal(comment, style))
      const page = await savePage(1, 'pr-comment', `Comment on #${PR}`, comment)
      if (page) pages.push(page)
      return comment.includes('v1.1.0') ? undefined : 'the comment does not show the new image'
    }
  })

  await scene({
    n: 2,
    title: 'Merged: deploy v1.1.0',
    what: 'Registers web:2 and rolls it out; the summary shows the rollout.',
    argv: ['deploy', '--config', ROLLING, '--image-tag', 'v1.1.0'],
    expected: 'succeeded'
  })

  await scene({
    n: 3,
    title: 'A broken image: the deploy fails, says why, and rolls back',
    what: 'The image cannot be pulled: the circuit breaker stops the rollout and rolls back to web:2.',
    argv: ['deploy', '--config', ROLLING, '--image-tag', 'broken', '--rollback-events', 'DEPLOYMENT_FAILURE'],
    expected: 'rolled-back',
    check: summary =>
      Promise.resolve(
        /CannotPullContainerError/.test(summary)
          ? undefined
          : 'the summary does not name the stopped-task cause'
      )
  })

  await scene({
    n: 4,
    title: 'A migration: run a one-off task',
    what: 'Runs the v1.2.0 image with a command override, follows its log and reports its exit code.',
    argv: [
      'run',
      '--config',
      ROLLING,
      '--image-tag',
      'v1.2.0',
      '--overrides',
      '{"containerOverrides":[{"name":"app","command":["./migrate","up"]}]}'
    ],
    expected: 'succeeded'
  })

  if ((Commands as readonly string[]).includes('promote')) {
    await scene({
      n: 5,
      title: 'Blue/green: deploy, pause for checks',
      what: 'An ECS-native blue/green deployment waits at its PAUSE hook with test traffic on the new revision.',
      argv: ['deploy', '--config', nativeConfig, '--image-tag', 'v1.1.0', '--wait-until', 'paused'],
      expected: 'paused'
    })
    await scene({
      n: 6,
      title: 'Blue/green: promote',
      what: 'The checks passed: promote shifts production traffic and waits for the deployment to finish.',
      argv: ['promote', '--config', nativeConfig],
      expected: 'succeeded'
    })
  } else {
    heading('5. Blue/green: deploy, pause, promote')
    say('Skipped: this build has no `command: promote` (ECS-native blue/green pause and promote).')
    results.push({
      scene: 'Blue/green paused and promoted',
      expected: 'paused, then succeeded',
      status: 'skipped',
      ok: true,
      pages: [],
      notes: ['command: promote is not in this build']
    })
  }
} finally {
  await github.close()
  await emulator.close()
}

heading('The story')
const table = [
  '| Scene | Expected | Status | |',
  '| --- | --- | --- | --- |',
  ...results.map(
    r => `| ${r.scene} | ${r.expected} | ${r.status} | ${r.ok ? '✓' : `✗ ${r.notes.join('; ')}`} |`
  )
].join('\n')
process.stdout.write(markdownToTerminal(table, style))
const pages = results.flatMap(r => r.pages)
if (pages.length > 0) {
  heading('Each summary and comment as GitHub renders it (open in a browser)')
  for (const path of pages) process.stdout.write(`${path}\n`)
}
await writeFile(join(out, 'story.json'), `${JSON.stringify(results, null, 2)}\n`)
if (results.some(r => !r.ok)) process.exitCode = 1

async function scene(options: {
  n: number
  title: string
  what: string
  argv: string[]
  expected: string
  env?: Record<string, string>
  /** A problem with the outcome beyond its status, if any; may add pages. */
  check?: (summary: string, pages: string[]) => Promise<string | undefined>
}): Promise<void> {
  heading(`${options.n}. ${options.title}`)
  say(options.what)
  process.stdout.write(style.dim(`$ npx ecs-deploy-action ${options.argv.map(quote).join(' ')}\n`))
  const summaryFile = join(out, `${options.n}-summary.md`)
  await writeFile(summaryFile, '')
  const { code, stdout } = await cli([...options.argv, '--summary-file', summaryFile], options.env ?? {})
  const summary = await readFile(summaryFile, 'utf8')
  const status = /^status: (\S+)$/m.exec(stdout)?.[1] ?? '(none)'
  const notes: string[] = []
  const pages: string[] = []
  const page = await savePage(options.n, 'summary', `${options.n}. ${options.title}`, summary)
  if (page) pages.push(page)
  const problem = status === options.expected ? await options.check?.(summary, pages) : undefined
  if (status !== options.expected) notes.push(`status ${status} (exit ${code})`)
  if (problem !== undefined) notes.push(problem)
  results.push({
    scene: options.title,
    expected: options.expected,
    status,
    ok: notes.length === 0,
    pages,
    notes
  })
}

/** Runs the CLI as a person would, its output shown as it comes; returns its exit code and stdout. */
function cli(argv: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise(done => {
    const child = spawn(NODE24, ['bin/ecs-deploy-action.mjs', ...argv, ...(color ? ['--color'] : [])], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        AWS_ENDPOINT_URL: emulator.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'emulator',
        AWS_SECRET_ACCESS_KEY: 'emulator-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        ECS_DEPLOY_ACTION_POLL_MS: '500',
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => process.stdout.write(chunk))
    child.on('close', code => done({ code, stdout }))
  })
}

/** The variables a pull_request run has, with the GitHub API at the local stand-in. */
async function pullRequestEnv(): Promise<Record<string, string>> {
  const event = join(out, 'pull-request-event.json')
  await writeFile(event, JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha: SHA } } }))
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: REPO,
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: 'ghs_demo0123456789abcdef0123456789abcdef'
  }
}

/** Writes a summary or comment as Markdown and as an HTML page rendered as GitHub renders it; the page's path. */
async function savePage(
  n: number,
  kind: string,
  title: string,
  markdown: string
): Promise<string | undefined> {
  if (markdown.trim() === '') return undefined
  await writeFile(join(out, `${n}-${kind}.md`), markdown)
  const file = join(out, `${n}-${kind}.html`)
  await writeGithubPage({ title, markdown, file })
  return file
}

/** An ECS-native blue/green service beside the rolling one, with a PAUSE hook after test traffic shifts. */
async function seedNativeBlueGreen(): Promise<string> {
  const dir = join(out, 'checkout')
  await mkdir(dir, { recursive: true })
  const service = {
    launchType: 'FARGATE',
    desiredCount: 2,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
        securityGroups: ['sg-0123456789abcdef0'],
        assignPublicIp: 'DISABLED'
      }
    },
    deploymentConfiguration: {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
    }
  }
  const live = seed.taskDefinitions?.[0] as Record<string, unknown>
  const arn = emulator.seedTaskDefinition({ ...live, family: 'checkout' })
  emulator.seedService({ cluster: 'demo', serviceName: 'checkout', taskDefinition: arn, ...service })
  const taskDefinition = (await readFile(join(root, 'examples/rolling/ecs-task-def.json'), 'utf8')).replace(
    '"family": "web"',
    '"family": "checkout"'
  )
  await writeFile(join(dir, 'ecs-task-def.json'), taskDefinition)
  await writeFile(join(dir, 'ecs-service-def.json'), `${JSON.stringify(service, null, 2)}\n`)
  const config = join(dir, 'ecspresso.yml')
  await writeFile(
    config,
    [
      'region: us-east-1',
      'cluster: demo',
      'service: checkout',
      'service_definition: ecs-service-def.json',
      'task_definition: ecs-task-def.json',
      'timeout: 30m',
      ''
    ].join('\n')
  )
  return config
}

function heading(text: string): void {
  process.stdout.write(`\n${style.bold(`━━ ${text} ${'━'.repeat(Math.max(3, 72 - text.length))}`)}\n\n`)
}

function say(text: string): void {
  process.stdout.write(`${text}\n\n`)
}

function quote(arg: string): string {
  return /^[\w./:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}
