// What a test of the bundled action (dist/index.js, run as the runner runs it) sets up: an emulator whose clock
// runs 60x real time, a project directory for it, and a run pointed at both that polls every 100 ms.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../test/emulator/index.js'
import { runAction, type ActionRun, type RunOptions } from './run-action.js'
import {
  APP,
  CLUSTER,
  groupParams,
  loadBalancers,
  network,
  SERVICE,
  taskDefinition
} from '../codedeploy/harness.js'

/** An emulator at 60x real time with cluster `prod`. */
export async function startWatchedEmulator(): Promise<Emulator> {
  const emulator = await startEmulator({ clock: { mode: 'real', speed: 60 } })
  emulator.createCluster('prod')
  return emulator
}

export interface ProjectOptions {
  /** The temporary directory's name starts with this. */
  prefix: string
  /** What ecspresso.yml says after region, cluster `prod`, service `web`, td.json and sd.json ('timeout: 5m\n'). */
  config?: string
  taskDefinition: unknown
  serviceDefinition: unknown
  /** Indent the JSON files (JSON.stringify's third argument). */
  indent?: number
}

/** A new directory holding ecspresso.yml, td.json and sd.json; returns its path. */
export async function blackBoxProject(o: ProjectOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), o.prefix))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    `region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\n${o.config ?? ''}`
  )
  await writeFile(join(dir, 'td.json'), JSON.stringify(o.taskDefinition, null, o.indent))
  await writeFile(join(dir, 'sd.json'), JSON.stringify(o.serviceDefinition, null, o.indent))
  return dir
}

/** Runs dist/index.js on the project in `dir` against `emulator`; `options.env` adds to the environment. */
export function runAgainst(
  emulator: Emulator,
  dir: string,
  inputs: Record<string, string>,
  options: Omit<RunOptions, 'inputs'> = {}
): Promise<ActionRun> {
  return runAction({
    ...options,
    inputs: { config: join(dir, 'ecspresso.yml'), ...inputs },
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      ECS_DEPLOY_ACTION_POLL_MS: '100',
      ...options.env
    }
  })
}

/** A steady service `web` in `prod` running `taskDefinition`, as `serviceDefinition` says; returns its ARN. */
export function seedLiveWeb(
  emulator: Emulator,
  taskDefinition: object,
  serviceDefinition: Record<string, unknown>
): string {
  const arn = emulator.seedTaskDefinition(taskDefinition)
  emulator.seedService({ cluster: 'prod', serviceName: 'web', taskDefinition: arn, ...serviceDefinition })
  return arn
}

/**
 * A CODE_DEPLOY service on `web:1.0` behind a load balancer, its CodeDeploy application and group (rolling back
 * on DEPLOYMENT_FAILURE), on an emulator at 60x real time; and a project that deploys `web:${IMAGE_TAG}` with an
 * AfterAllowTestTraffic hook.
 */
export async function startBlueGreen(
  prefix: string
): Promise<{ emulator: Emulator; dir: string; oldArn: string }> {
  const emulator = await startWatchedEmulator()
  const oldArn = emulator.seedTaskDefinition(taskDefinition('web:1.0'))
  const service = {
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: network,
    loadBalancers,
    deploymentController: { type: 'CODE_DEPLOY' }
  }
  emulator.seedService({
    cluster: CLUSTER,
    serviceName: SERVICE,
    taskDefinition: oldArn,
    desiredCount: 2,
    ...service
  })
  emulator.codedeploy.createApplication(APP)
  emulator.codedeploy.createDeploymentGroup(groupParams({ autoRollback: ['DEPLOYMENT_FAILURE'] }))
  emulator.clearLog()
  const dir = await blackBoxProject({
    prefix,
    config: 'appspec:\n  Hooks:\n    - AfterAllowTestTraffic: web-smoke-test\n',
    taskDefinition: taskDefinition('web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition: { ...service, desiredCount: 2 }
  })
  return { emulator, dir, oldArn }
}
