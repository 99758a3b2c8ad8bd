// Child of bench/run.ts (a fresh process each time): renders a project whose task definition has 10 containers (ECS's limit)
// and 500 template expressions with the action's own loadProject, and prints the time of the first render
// (cold, as the action does once per run) and the median of later ones (warm), as JSON.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { memoryLogger } from '../src/log.js'
import { loadProject } from '../src/project.js'

export const CONTAINERS = 10 // ECS's limit per task definition
/** Settings a container reads from env beyond the ten common ones: 50 expressions a container, 500 in all. */
const SETTINGS = 40
export const EXPRESSIONS_PER_CONTAINER = 10

/** A Go-template string literal, as ecspresso definitions in JSON write them. */
const raw = (text: string): string => '`' + text + '`'
const envOr = (name: string, fallback: string): string => `{{ env ${raw(name)} ${raw(fallback)} }}`
const mustEnv = (name: string): string => `{{ must_env ${raw(name)} }}`

/** Expressions of the kinds real definitions use: env with defaults, must_env, pipes. */
export function largeTaskDefinition(): string {
  const containers = Array.from({ length: CONTAINERS }, (_, i) => ({
    name: `app-${i}`,
    image: `123456789012.dkr.ecr.${envOr('AWS_REGION', 'us-east-1')}.amazonaws.com/app-${i}:${mustEnv('IMAGE_TAG')}`,
    essential: i === 0,
    cpu: 64,
    memoryReservation: 128,
    portMappings: [{ containerPort: 8000 + i, protocol: 'tcp' }],
    environment: [
      { name: 'APP_ENV', value: envOr('APP_ENV', 'production') },
      { name: 'INDEX', value: envOr(`INDEX_${i}`, String(i)) },
      { name: 'GREETING', value: `{{ env ${raw('GREETING')} ${raw('hello, "world"')} | json_escape }}` },
      { name: 'TAG', value: mustEnv('IMAGE_TAG') },
      { name: 'REGION', value: envOr('AWS_REGION', 'us-east-1') },
      { name: 'FEATURE', value: envOr(`FEATURE_${i}`, 'off') },
      { name: 'LOG_LEVEL', value: envOr('LOG_LEVEL', 'info') },
      ...Array.from({ length: SETTINGS }, (_, k) => ({
        name: `SETTING_${k}`,
        value: envOr(`SETTING_${i}_${k}`, `default-${k}`)
      }))
    ],
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': `/ecs/${envOr('APP_ENV', 'production')}/app-${i}`,
        'awslogs-region': 'us-east-1',
        'awslogs-stream-prefix': 'app'
      }
    }
  }))
  return JSON.stringify(
    {
      family: 'large',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '4096',
      memory: '8192',
      containerDefinitions: containers
    },
    null,
    2
  )
}

async function main(): Promise<void> {
  const warmRuns = Number(process.argv[2] ?? 20)
  const dir = await mkdtemp(join(tmpdir(), 'render-large-'))
  const template = largeTaskDefinition()
  const expressions = template.match(/\{\{/g)?.length ?? 0
  await writeFile(join(dir, 'td.json'), template)
  await writeFile(
    join(dir, 'ecspresso.yml'),
    'region: us-east-1\ncluster: prod\nservice: large\ntask_definition: td.json\n'
  )
  const env = { IMAGE_TAG: 'v1.2.3' }
  const once = async (): Promise<number> => {
    const started = performance.now()
    const project = await loadProject({ configPath: join(dir, 'ecspresso.yml'), env, log: memoryLogger() })
    const ms = performance.now() - started
    if (project.taskDefinition?.containerDefinitions?.length !== CONTAINERS) throw new Error('render failed')
    return ms
  }
  const coldMs = await once()
  const warm: number[] = []
  for (let i = 0; i < warmRuns; i++) warm.push(await once())
  warm.sort((a, b) => a - b)
  const warmMs = warm[Math.floor(warm.length / 2)] ?? coldMs
  process.stdout.write(`${JSON.stringify({ expressions, containers: CONTAINERS, coldMs, warmMs })}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
