import type { Service } from '@aws-sdk/client-ecs'
import { ActionError } from '../errors.js'
import { effectiveConfiguration, isNativeStrategy } from '../native/config.js'
import type { ServiceDefinition } from './service-input.js'

/**
 * How a service is deployed, decided once from its deployment controller (ecspresso's DeployFunc/WaitFunc)
 * and, for the ECS controller, its deploymentConfiguration.strategy: `native` is ECS's own blue/green, linear
 * or canary (lifecycle stages and hooks, followed through DescribeServiceDeployments).
 */
export type DeployKind = 'rolling' | 'codedeploy' | 'native'

/**
 * Picks the deployment strategy for the live service (or, for a new one, its definition). Throws before any
 * write for controllers this action cannot drive. The rest of the code never re-asks the controller type.
 */
export function pickStrategy(
  live: Service | undefined,
  definition: ServiceDefinition | undefined
): DeployKind {
  const type = live?.deploymentController?.type ?? definition?.deploymentController?.type ?? 'ECS'
  switch (type) {
    case 'ECS': {
      const dc = effectiveConfiguration(live?.deploymentConfiguration, definition?.deploymentConfiguration)
      return isNativeStrategy(dc?.strategy) ? 'native' : 'rolling'
    }
    case 'CODE_DEPLOY':
      return 'codedeploy'
    case 'EXTERNAL':
      throw new ActionError(
        'services with an EXTERNAL deployment controller cannot be deployed by this action',
        {
          hint: 'EXTERNAL services are driven by task sets of your own tooling; nothing was changed'
        }
      )
    default:
      throw new ActionError(`unknown deployment controller '${String(type)}'`)
  }
}
