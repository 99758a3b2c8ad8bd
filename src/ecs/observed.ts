import type { Service } from '@aws-sdk/client-ecs'
import type { Observed } from '../deploy/outcome.js'

/** The live service as the outcome sees it: its deployments, by id and revision. */
export function observe(service: Service | undefined): Observed | undefined {
  if (service === undefined) return undefined
  return {
    taskDefinition: service.taskDefinition,
    deployments: (service.deployments ?? []).map(d => ({
      id: d.id ?? '',
      status: d.status ?? '',
      taskDefinition: d.taskDefinition ?? '',
      rolloutState: d.rolloutState,
      running: d.runningCount ?? 0,
      desired: d.desiredCount ?? 0,
      createdAt: d.createdAt
    }))
  }
}
