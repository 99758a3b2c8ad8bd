/** The `desired-count` input (ecspresso `--tasks`; with `skip-task-definition`, ecspresso's `scale`). */
import type { DesiredCountPlan, ScalableRange, ServiceDefinition } from '../ecs/service-input.js'

/** Said as a warning when the input is not applied as given: clamped into the auto scaling range, or DAEMON. */
export function desiredCountWarning(
  plan: DesiredCountPlan,
  range: ScalableRange | undefined
): string | undefined {
  const asked = plan.requested
  if (asked === undefined) return undefined
  if (plan.reason === 'daemon')
    return `desired-count ${asked} is ignored: a DAEMON service runs one task per container instance`
  if (range === undefined || (asked >= range.min && asked <= range.max)) return undefined
  const clamped = Math.min(Math.max(asked, range.min), range.max)
  return `desired-count ${asked} is outside the auto scaling range (min ${range.min}, max ${range.max}): ${clamped} is applied instead, so the deploy does not fight the scaler`
}

/** A new service is created with the input's count in place of the file's. */
export function withDesiredCount(
  definition: ServiceDefinition,
  requested: number | undefined
): ServiceDefinition {
  return requested === undefined ? definition : { ...definition, desiredCount: requested }
}
