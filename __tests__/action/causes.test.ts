// The cause of a failed rollout comes first: one cause line under the summary's headline, identical stopped
// reasons grouped with a count, then the details; and the log's failure line says the cause too. Through
// dist/index.js against the emulator at 60x, whose failure rules make tasks stop with a reason.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction } from '../helpers/run-action.js'
import { expect } from '../helpers/expect.js'

let emulator: Emulator
let dir: string

const taskDefinition = (image: string) => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }]
})
const serviceDefinition = {
  launchType: 'FARGATE',
  desiredCount: 3,
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
  }
}
// As long as ECS's own message for an image that is not there (about 200 characters).
const PULL_ERROR =
  'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref registry.example.com/web:v2: registry.example.com/web:v2: not found'

beforeEach(async () => {
  emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  dir = await mkdtemp(join(tmpdir(), 'causes-action-'))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n'
  )
  await writeFile(
    join(dir, 'td.json'),
    JSON.stringify(taskDefinition('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'))
  )
  await writeFile(join(dir, 'sd.json'), JSON.stringify(serviceDefinition))
  const previous = emulator.seedTaskDefinition(taskDefinition('registry.example.com/web:v1'))
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: previous,
    ...serviceDefinition
  })
})

afterEach(async () => {
  await emulator.close()
})

const occurrences = (text: string, part: string) => text.split(part).length - 1

describe('the cause of a failed rollout, through dist/index.js', () => {
  it('a timeout whose tasks cannot pull their image: the cause right under the headline, grouped with a count', async () => {
    emulator.scenario.failTasks(
      { image: 'registry.example.com/web:v2' },
      { kind: 'cannot-pull', message: PULL_ERROR }
    )
    // 4 real seconds are 4 emulated minutes: ECS keeps replacing the tasks that fail to pull.
    const run = await runAction({
      inputs: { config: join(dir, 'ecspresso.yml'), 'image-tag': 'v2', timeout: '4s' },
      env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: 'us-east-1', ECS_DEPLOY_ACTION_POLL_MS: '100' }
    })
    expect(run.exitCode, run.stdout).not.toBe(0)
    expect(run.outputs.status).toBe('timed-out')

    const lines = run.summary.split('\n').filter(line => line.trim() !== '')
    expect(lines[0]).toMatch(/^## .*Deploy web: timed-out$/)
    const cause = /^\*\*Cause:\*\* (\d+) tasks stopped: (.*)$/.exec(lines[1]!)
    expect(cause, run.summary).not.toBeNull()
    const count = Number(cause![1])
    expect(count).toBeGreaterThan(5)
    expect(cause![2]).toBe(PULL_ERROR)
    // The grouped table says it once with its count; the long message is not repeated per task (it appears
    // in the cause line, the failure line, the rollout's reason and the grouped table).
    expect(run.summary).toContain(`| 1 | ${count} | ${PULL_ERROR} |`)
    expect(occurrences(run.summary, PULL_ERROR)).toBeLessThanOrEqual(4)
    expect(run.summary).toContain(`<summary>Each stopped task (${count})</summary>`)
    expect(run.summary.indexOf('### Stopped tasks')).toBeGreaterThan(run.summary.indexOf('**Cause:**'))

    // The step's failure line (the annotation and the log) carries the cause too.
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(`cause: ${count} tasks stopped: ${PULL_ERROR}`)
  }, 30_000)
})
