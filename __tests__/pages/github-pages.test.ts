// The job summaries and the PR comment the action writes, rendered as GitHub renders them (writeGithubPage) and
// opened in headless Chromium: each chart draws, nothing is left as raw Markdown, the page is offline. In CI
// (CI=true) a missing Chromium fails the suite; .ci/run installs Debian's package.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it, jest } from '@jest/globals'
import { writeGithubPage } from '../../scripts/demo/github-page.js'
import type { TimelinePoint } from '../../src/ecs/watch.js'
import { timelineChart } from '../../src/report/deploy.js'
import { CHROMIUM, launchChromium, look, type Looked } from './browser.js'
import { expectRenderedLikeGithub } from './expect-github.js'
import { blueGreenDeploy, dryRunComment, rollingDeploy } from './scenarios.js'
import { expect } from '../helpers/expect.js'

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'
// Outside CI a machine without Chromium skips, saying so; in CI it fails in beforeAll.
const suite = existsSync(CHROMIUM) || inCi ? describe : describe.skip
if (!existsSync(CHROMIUM) && !inCi) {
  process.emitWarning(`skipping the page tests: ${CHROMIUM} is missing (apt-get install chromium)`)
}

// Each test runs the action and draws a page: seconds, more on two busy cores.
jest.setTimeout(60_000)

let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'github-pages-'))
  if (suite === describe) chromium = await launchChromium()
}, 30_000)
afterAll(async () => {
  await chromium?.close()
  // KEEP_PAGES=1 keeps the pages and the screenshot to look at.
  if (process.env.KEEP_PAGES === undefined) await rm(dir, { recursive: true, force: true })
  else process.emitWarning(`pages kept in ${dir}`)
})

/** Writes the Markdown as a page and opens it. */
async function render(name: string, markdown: string, screenshot = false): Promise<Looked> {
  const file = join(dir, `${name}.html`)
  await writeGithubPage({ title: name, markdown, file })
  return look(chromium!.context, file, screenshot ? join(dir, `${name}.png`) : undefined)
}

suite('summaries and comments as GitHub renders them, in headless Chromium', () => {
  it('a rolling deploy: its chart (if the rollout has one), tables and headings render', async () => {
    const run = await rollingDeploy({ fail: false })
    expect(run.exitCode, run.stdout).toBe(0)
    const seen = await render('deploy', run.markdown, true)
    // Every chart the summary has is drawn (expectRenderedLikeGithub counts them); the ten-minute rollout
    // below always has one.
    expectRenderedLikeGithub(run.markdown, seen)
    expect(seen.headings[0]).toMatch(/Deploy web: succeeded/)
    expect((await stat(join(dir, 'deploy.png'))).size).toBeGreaterThan(20_000)
  })

  it('a failing deploy: the cause, the stopped tasks and the rollback render', async () => {
    const run = await rollingDeploy({ fail: true })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.status).toBe('rolled-back')
    const seen = await render('failed-deploy', run.markdown)
    expectRenderedLikeGithub(run.markdown, seen)
    expect(seen.visibleText).toContain('CannotPullContainerError: registry.example.com/web:v2: not found')
  })

  it("a pull request's dry-run comment: the plan and its diff render", async () => {
    const run = await dryRunComment()
    expect(run.exitCode, run.stdout).toBe(0)
    const seen = await render('pr-comment', run.markdown)
    expectRenderedLikeGithub(run.markdown, seen)
    expect(seen.allText).toContain('registry.example.com/web:v2')
  })

  it('a CodeDeploy blue/green deploy: its lifecycle events render', async () => {
    const run = await blueGreenDeploy()
    expect(run.exitCode, run.stdout).toBe(0)
    const seen = await render('bluegreen', run.markdown)
    expectRenderedLikeGithub(run.markdown, seen)
    expect(seen.allText).toContain('AfterAllowTraffic')
  })

  it('the rollout chart of a ten-minute deploy of 6 tasks draws both series over every point', async () => {
    const chart = timelineChart(rollout(6, 10), NEW)
    expect(chart).toBeDefined()
    const markdown = `## Rollout\n\n${chart!}\n`
    const seen = await render('chart', markdown)
    expectRenderedLikeGithub(markdown, seen)
    expect(seen.charts[0]).toMatchObject({ kind: 'xychart', series: 2 })
  })

  it('a chart mermaid cannot parse is caught: an error, not a drawing', async () => {
    const markdown = '```mermaid\nxychart-beta\n  line [1, oops]\n```\n'
    const seen = await render('broken-chart', markdown)
    expect(seen.charts).toHaveLength(1)
    expect(seen.charts[0]!.error).toBe(true)
    expect(seen.consoleErrors.join('\n')).toMatch(/mermaid chart 1/)
    expect(() => expectRenderedLikeGithub(markdown, seen)).toThrow()
  })
})

const NEW = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2'
const OLD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1'

/** A rollout replacing `tasks` tasks one a minute-ish over `minutes` minutes, a point every 30 s. */
function rollout(tasks: number, minutes: number): TimelinePoint[] {
  const snapshot = (id: string, taskDefinition: string, running: number, desired: number) => ({
    id,
    status: taskDefinition === NEW ? 'PRIMARY' : 'ACTIVE',
    taskDefinition,
    desired,
    pending: 0,
    running,
    failed: 0,
    rolloutState: taskDefinition === NEW ? 'IN_PROGRESS' : 'COMPLETED'
  })
  const points = minutes * 2 + 1
  return Array.from({ length: points }, (_, i) => {
    const started = Math.round((tasks * i) / (points - 1))
    return {
      at: i * 30_000,
      deployments: [
        snapshot('ecs-svc/2', NEW, started, tasks),
        snapshot('ecs-svc/1', OLD, tasks - started, 0)
      ]
    }
  })
}
