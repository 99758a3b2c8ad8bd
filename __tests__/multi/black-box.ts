// Several services in one project directory, each in deploy/<name>/ with its own ecspresso.yml, task and
// service definition, for the black-box tests of a step that deploys them all.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Emulator } from '../../test/emulator/index.js'
import { runAction, type ActionRun, type RunOptions } from '../helpers/run-action.js'
import { circuitBreaker, webService, webTask } from '../helpers/fixtures.js'

export const image = (name: string, tag: string) => `registry.example.com/${name}:${tag}`

const taskOf = (name: string, tag: string) => ({ ...webTask(image(name, tag)), family: name })
const serviceDefinition = webService(circuitBreaker)

/** A directory with deploy/<name>/ for each name; returns its path. */
export async function severalProjects(names: readonly string[], cluster = 'prod'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'several-'))
  for (const name of names) {
    const at = join(dir, 'deploy', name)
    await mkdir(at, { recursive: true })
    await writeFile(
      join(at, 'ecspresso.yml'),
      `region: us-east-1\ncluster: ${cluster}\nservice: ${name}\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 5m\n`
    )
    await writeFile(join(at, 'td.json'), JSON.stringify(taskOf(name, '{{ must_env `IMAGE_TAG` }}'), null, 2))
    await writeFile(join(at, 'sd.json'), JSON.stringify(serviceDefinition, null, 2))
  }
  return dir
}

/** Each service live and steady on `<name>:1` running image v1; returns the ARNs by name. */
export function seedServices(
  emulator: Emulator,
  names: readonly string[],
  cluster = 'prod'
): Record<string, string> {
  const arns: Record<string, string> = {}
  for (const name of names) {
    const arn = emulator.seedTaskDefinition(taskOf(name, 'v1'))
    emulator.seedService({ cluster, serviceName: name, taskDefinition: arn, ...serviceDefinition })
    arns[name] = arn
  }
  return arns
}

/** Runs dist/index.js in `dir` (the workspace) against `emulator`. */
export function runSeveral(
  emulator: Emulator,
  dir: string,
  inputs: Record<string, string>,
  options: Omit<RunOptions, 'inputs'> = {}
): Promise<ActionRun> {
  return runAction({
    ...options,
    cwd: dir,
    inputs: { config: 'deploy/*/ecspresso.yml', 'image-tag': 'v2', ...inputs },
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      ECS_DEPLOY_ACTION_POLL_MS: '200',
      ...options.env
    }
  })
}

export interface ResultEntry {
  config: string
  cluster: string
  service: string
  status: string
  'task-definition-arn': string | null
  'previous-task-definition-arn': string | null
  'deployment-id': string | null
  'has-changes': boolean | null
  rollback?: string
}

export const results = (run: ActionRun): ResultEntry[] =>
  JSON.parse(run.outputs.results ?? '[]') as ResultEntry[]
