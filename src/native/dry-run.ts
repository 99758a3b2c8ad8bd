/** The dry run's ECS-native part: strategy, bake time, traffic steps, hooks and what would pause. Read-only. */
import type { CommandContext } from '../commands/types.js'
import type { LiveState } from '../ecs/live.js'
import type { Project } from '../project.js'
import { nativePlanMarkdown, pauseSentence } from '../report/native.js'
import { describeStrategy, effectiveConfiguration, nativePlan } from './config.js'

/** Markdown for the dry run's summary ('' for services that are not ECS-native); the same said in the log. */
export function nativeDryRun(ctx: CommandContext, project: Project, live: LiveState): string {
  if (
    (live.service?.deploymentController?.type ??
      project.serviceDefinition?.deploymentController?.type ??
      'ECS') !== 'ECS'
  )
    return ''
  const plan = nativePlan(
    effectiveConfiguration(
      live.service?.deploymentConfiguration,
      project.serviceDefinition?.deploymentConfiguration
    )
  )
  if (plan === undefined) return ''
  const paused = ctx.inputs.waitUntil === 'paused'
  ctx.log.info(`ECS-native deployment: ${describeStrategy(plan)}`)
  for (const hook of plan.hooks)
    ctx.log.info(
      `  ${hook.targetType === 'PAUSE' ? 'PAUSE hook' : `Lambda hook ${hook.target ?? '?'}`} at ${hook.stages.join(', ')} (timeout ${hook.timeoutMinutes}m, then ${hook.timeoutAction})`
    )
  ctx.log.info(pauseSentence(plan, paused).replace(/`/g, ''))
  return nativePlanMarkdown(plan, paused)
}
