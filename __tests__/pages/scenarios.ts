// Real summaries and comments for the page tests: dist/index.js run as the runner runs it, against the emulator
// (60x real time) and the fake GitHub API, in the scenarios whose Markdown is richest.
import { startEmulator } from '../../test/emulator/index.js'
import { startFakeGithub } from '../../test/github/server.js'
import {
  blackBoxProject,
  runAgainst,
  seedLiveWeb,
  startBlueGreen,
  startWatchedEmulator
} from '../helpers/black-box.js'
import { circuitBreaker, webService, webTask } from '../helpers/fixtures.js'

export interface Rendered {
  /** What the run wrote: the job summary or the comment's body. */
  readonly markdown: string
  readonly exitCode: number | null
  readonly status: string | undefined
  readonly stdout: string
}

const template = webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}')
const serviceDefinition = webService({ ...circuitBreaker, desiredCount: 2 })

/** A rolling deploy of web:v2 over a steady web:v1; `fail` makes the new tasks unable to pull their image. */
export async function rollingDeploy(options: { fail: boolean }): Promise<Rendered> {
  const emulator = await startWatchedEmulator()
  try {
    seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), serviceDefinition)
    // Tasks that take a while to start give the rollout a timeline (and a chart) to show; failing tasks stop
    // at once, so the summary has their causes.
    if (!options.fail) emulator.scenario.taskStartSeconds(30)
    else {
      emulator.scenario.failTasks(
        { image: 'registry.example.com/web:v2' },
        { kind: 'cannot-pull', message: 'CannotPullContainerError: registry.example.com/web:v2: not found' }
      )
    }
    const dir = await blackBoxProject({
      prefix: 'pages-deploy-',
      taskDefinition: template,
      serviceDefinition
    })
    const run = await runAgainst(emulator, dir, {
      'image-tag': 'v2',
      'rollback-events': 'DEPLOYMENT_FAILURE'
    })
    return { markdown: run.summary, exitCode: run.exitCode, status: run.outputs.status, stdout: run.stdout }
  } finally {
    await emulator.close()
  }
}

/** A pull request's dry run: the sticky comment it posts to the fake GitHub API. */
export async function dryRunComment(): Promise<Rendered> {
  const emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  const github = await startFakeGithub()
  try {
    emulator.createCluster('prod')
    seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), serviceDefinition)
    const dir = await blackBoxProject({ prefix: 'pages-plan-', taskDefinition: template, serviceDefinition })
    const run = await runAgainst(
      emulator,
      dir,
      { 'dry-run': 'true', 'github-token': 'ghs_workflow_token', 'image-tag': 'v2' },
      {
        event: {
          name: 'pull_request',
          payload: { number: 7, pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } }
        },
        env: { GITHUB_API_URL: github.url }
      }
    )
    const comments = github.comments('octo-org/web', 7)
    if (comments.length !== 1)
      throw new Error(`expected one PR comment, got ${comments.length}\n${run.stdout}`)
    return {
      markdown: comments[0]!.body,
      exitCode: run.exitCode,
      status: run.outputs.status,
      stdout: run.stdout
    }
  } finally {
    await emulator.close()
    await github.close()
  }
}

/** A CodeDeploy blue/green deploy of web:2.0 with an AfterAllowTestTraffic hook: lifecycle events in the summary. */
export async function blueGreenDeploy(): Promise<Rendered> {
  const { emulator, dir } = await startBlueGreen('pages-bluegreen-')
  try {
    const run = await runAgainst(emulator, dir, { 'image-tag': '2.0' })
    return { markdown: run.summary, exitCode: run.exitCode, status: run.outputs.status, stdout: run.stdout }
  } finally {
    await emulator.close()
  }
}
