// An ECS-native blue/green, linear or canary service `web` behind a load balancer (with the advanced
// configuration ECS shifts traffic with), on an emulator at 60x real time, and a project deploying
// `web:${IMAGE_TAG}` with the same deployment configuration.
import type { Emulator } from '../../test/emulator/index.js'
import { blackBoxProject, seedLiveWeb, startWatchedEmulator } from '../helpers/black-box.js'
import { webService, webTask } from '../helpers/fixtures.js'

export const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:web-smoke'
export const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole'

export const loadBalancers = [
  {
    targetGroupArn:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef',
    containerName: 'app',
    containerPort: 8080,
    advancedConfiguration: {
      alternateTargetGroupArn:
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210',
      productionListenerRule:
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/1111111111111111',
      testListenerRule:
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/2222222222222222',
      roleArn: ROLE
    }
  }
]

export const pauseAt = (...stages: string[]) => ({ targetType: 'PAUSE', lifecycleStages: stages })
export const lambdaAt = (...stages: string[]) => ({
  hookTargetArn: LAMBDA,
  roleArn: ROLE,
  lifecycleStages: stages
})

export interface NativeWorld {
  readonly emulator: Emulator
  readonly dir: string
  /** The revision the service runs before the test (web:1). */
  readonly oldArn: string
}

export async function startNative(
  prefix: string,
  deploymentConfiguration: Record<string, unknown>,
  config = 'timeout: 5m\n'
): Promise<NativeWorld> {
  const emulator = await startWatchedEmulator()
  const service = webService({ loadBalancers, deploymentConfiguration })
  const oldArn = seedLiveWeb(emulator, webTask('registry.example.com/web:v1'), service)
  emulator.clearLog()
  const dir = await blackBoxProject({
    prefix,
    config,
    taskDefinition: webTask('registry.example.com/web:{{ must_env `IMAGE_TAG` }}'),
    serviceDefinition: service
  })
  return { emulator, dir, oldArn }
}

/** Successful writes, in order, with what each did. */
export function writes(emulator: Emulator): string[] {
  return emulator
    .writes()
    .filter(r => r.fault === undefined && r.error === undefined)
    .map(r =>
      r.operation === 'ContinueServiceDeployment'
        ? `ContinueServiceDeployment ${(r.params.action as string | undefined) ?? 'CONTINUE'}`
        : r.operation === 'StopServiceDeployment'
          ? `StopServiceDeployment ${String(r.params.stopType)}`
          : r.operation
    )
}
