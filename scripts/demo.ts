// `npm run demo`: deploys examples/rolling to the local emulator with the bundled action, as a workflow would:
// first a dry run (the diff a pull request would show), then the deploy, with a rollout visible in real time.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startEmulator } from '../test/emulator/index.js'

const root = resolve(import.meta.dirname, '..')
const node = existsSync(join(root, 'node_modules/node/bin/node'))
  ? join(root, 'node_modules/node/bin/node')
  : process.execPath
const config = 'examples/rolling/ecspresso.yml'

// 10 emulated seconds per real second: tasks take 30 s to start, so the rollout takes several real seconds.
const emulator = await startEmulator({ clock: { mode: 'real', speed: 10 } })
emulator.scenario.taskStartSeconds(30)
emulator.createCluster('demo')
const live = JSON.parse(
  await readFile(join(root, 'examples/rolling/ecs-task-def.json'), 'utf8').then(render)
) as object
const previous = emulator.seedTaskDefinition(live)
emulator.seedService({
  cluster: 'demo',
  serviceName: 'web',
  taskDefinition: previous,
  desiredCount: 2,
  launchType: 'FARGATE',
  deploymentConfiguration: {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: { enable: true, rollback: true }
  },
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
      securityGroups: ['sg-0123456789abcdef0'],
      assignPublicIp: 'DISABLED'
    }
  }
})

try {
  await step('Dry run: what a pull request would show', { 'dry-run': 'true' })
  await step('Deploy', { 'rollback-events': 'DEPLOYMENT_FAILURE' })
} finally {
  await emulator.close()
}

/** The live service runs the same definition with last week's image tag. */
function render(template: string): string {
  return template
    .replace(/\{\{ must_env `IMAGE_TAG` \}\}/g, 'v1.0.0')
    .replace(/\{\{ env `(\w+)` `([^`]*)`( \| json_escape)? \}\}/g, (_, _name: string, fallback: string) =>
      JSON.stringify(fallback).slice(1, -1)
    )
}

async function step(title: string, inputs: Record<string, string>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-deploy-demo-'))
  const summary = join(dir, 'summary.md')
  await writeFile(summary, '')
  await writeFile(join(dir, 'output'), '')
  await writeFile(join(dir, 'event.json'), '{}')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_EC2_METADATA_DISABLED: 'true',
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/web',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dir,
    INPUT_CONFIG: config,
    'INPUT_IMAGE-TAG': 'v1.1.0',
    ECS_DEPLOY_ACTION_POLL_MS: '500',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  }
  console.log(`\n\x1b[1m=== ${title} ===\x1b[0m\n`)
  const code = await new Promise<number | null>(done => {
    const child = spawn(node, ['dist/index.js'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('close', done)
  })
  console.log(`\n\x1b[1m--- job summary (exit code ${code}) ---\x1b[0m\n`)
  console.log(await readFile(summary, 'utf8'))
  const outputs = await readFile(join(dir, 'output'), 'utf8')
  const status = /status<<(\S+)\n(.*)\n/.exec(outputs)?.[2]
  console.log(`outputs.status = ${status ?? '(none)'}`)
  if (code !== 0) process.exitCode = 1
}
