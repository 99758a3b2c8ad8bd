import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling'
import type { Logger } from '../log.js'
import { awsErrorName } from './live.js'
import { nameOf, type ScalableRange } from './service-input.js'

/**
 * The service's Application Auto Scaling target on its desired count, if any. Read-only. Without permission
 * (AccessDenied) it warns and answers undefined: the definition's desiredCount then applies.
 */
export async function readScalableRange(
  client: ApplicationAutoScalingClient,
  cluster: string,
  service: string,
  log: Logger
): Promise<ScalableRange | undefined> {
  try {
    const out = await client.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceIds: [`service/${nameOf(cluster)}/${nameOf(service)}`]
      })
    )
    const target = out.ScalableTargets?.[0]
    if (target?.MinCapacity === undefined || target.MaxCapacity === undefined) return undefined
    return { min: target.MinCapacity, max: target.MaxCapacity }
  } catch (error) {
    if (awsErrorName(error) === 'AccessDeniedException') {
      log.warning(
        'cannot read the auto scaling target (application-autoscaling:DescribeScalableTargets denied); ' +
          "the service definition's desiredCount is applied as is"
      )
      return undefined
    }
    throw error
  }
}
