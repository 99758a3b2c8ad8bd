// The project a benchmark deploys: an ecspresso config, a task definition of N containers (templated as
// users write them) and a service definition; and the live service the emulator starts from.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Emulator } from '../test/emulator/index.js'

const raw = (text: string): string => '`' + text + '`'

function taskDefinition(containers: number, imageTag: string) {
  return {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '2048',
    memory: '4096',
    containerDefinitions: Array.from({ length: containers }, (_, i) => ({
      name: i === 0 ? 'app' : `sidecar-${i}`,
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web-${i}:${imageTag}`,
      essential: i === 0,
      cpu: 128,
      memoryReservation: 256,
      portMappings: [{ containerPort: 8080 + i, protocol: 'tcp' }],
      environment: [
        { name: 'APP_ENV', value: 'production' },
        { name: 'INDEX', value: String(i) }
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': `/ecs/web-${i}`,
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'web'
        }
      }
    }))
  }
}

export const SERVICE_DEFINITION = {
  launchType: 'FARGATE',
  deploymentConfiguration: {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: { enable: true, rollback: true }
  },
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
  }
}

/** A project directory whose task definition renders the image tag and environment from templates. */
export async function projectDir(containers: number, desiredCount: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-deploy-bench-project-'))
  const template = JSON.stringify(taskDefinition(containers, '{{ must_env `IMAGE_TAG` }}'), null, 2).replace(
    /"production"/g,
    `"{{ env ${raw('APP_ENV')} ${raw('production')} }}"`
  )
  await writeFile(join(dir, 'td.json'), template)
  await writeFile(join(dir, 'sd.json'), JSON.stringify({ ...SERVICE_DEFINITION, desiredCount }, null, 2))
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: web\ntask_definition: td.json\nservice_definition: sd.json\ntimeout: 45m\n'
  )
  return dir
}

/** The live service: web:1 with image tag v1, steady, `desiredCount` tasks. */
export function seedService(emulator: Emulator, containers: number, desiredCount: number): string {
  const previous = emulator.seedTaskDefinition(taskDefinition(containers, 'v1'))
  emulator.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: previous,
    desiredCount,
    ...SERVICE_DEFINITION
  })
  return previous
}
