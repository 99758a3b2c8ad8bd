/**
 * An ECS-native blue/green, linear or canary service's deployment configuration, as data: the strategy, bake
 * times, traffic steps and lifecycle hooks (with the API's defaults filled in: a hook times out after 1440
 * minutes and then rolls back). Pure; read by the deploy, the dry run, promote and the test-command check.
 */
import type { DeploymentConfiguration } from '@aws-sdk/client-ecs'

export type NativeStrategy = 'BLUE_GREEN' | 'LINEAR' | 'CANARY'
export const NATIVE_STRATEGIES: readonly NativeStrategy[] = ['BLUE_GREEN', 'LINEAR', 'CANARY']

/** DeploymentLifecycleHookTimeoutConfiguration's defaults (API reference). */
export const HOOK_TIMEOUT_MINUTES = 1440
export const HOOK_TIMEOUT_ACTION = 'ROLLBACK'

export interface NativeHook {
  readonly targetType: 'AWS_LAMBDA' | 'PAUSE'
  /** The Lambda function; undefined for PAUSE hooks. */
  readonly target: string | undefined
  readonly stages: readonly string[]
  readonly timeoutMinutes: number
  readonly timeoutAction: 'CONTINUE' | 'ROLLBACK'
}

export interface NativePlan {
  readonly strategy: NativeStrategy
  /** Minutes both revisions run after production traffic moved, before blue is stopped. */
  readonly bakeTimeInMinutes: number | undefined
  readonly canary:
    { readonly percent: number | undefined; readonly bakeMinutes: number | undefined } | undefined
  readonly linear:
    { readonly stepPercent: number | undefined; readonly stepBakeMinutes: number | undefined } | undefined
  readonly hooks: readonly NativeHook[]
  /** The stages where a PAUSE hook waits for ContinueServiceDeployment, in hook order. */
  readonly pauses: readonly string[]
}

export function isNativeStrategy(strategy: string | undefined): strategy is NativeStrategy {
  return (NATIVE_STRATEGIES as readonly string[]).includes(strategy ?? '')
}

/** The plan of a native deployment configuration; undefined for ROLLING (or none). */
export function nativePlan(dc: DeploymentConfiguration | undefined): NativePlan | undefined {
  if (dc === undefined || !isNativeStrategy(dc.strategy)) return undefined
  const hooks: NativeHook[] = (dc.lifecycleHooks ?? []).map(h => ({
    targetType: h.targetType === 'PAUSE' ? 'PAUSE' : 'AWS_LAMBDA',
    target: h.targetType === 'PAUSE' ? undefined : h.hookTargetArn,
    stages: h.lifecycleStages ?? [],
    timeoutMinutes: h.timeoutConfiguration?.timeoutInMinutes ?? HOOK_TIMEOUT_MINUTES,
    timeoutAction: h.timeoutConfiguration?.action === 'CONTINUE' ? 'CONTINUE' : HOOK_TIMEOUT_ACTION
  }))
  return {
    strategy: dc.strategy,
    bakeTimeInMinutes: dc.bakeTimeInMinutes,
    canary:
      dc.strategy === 'CANARY'
        ? {
            percent: dc.canaryConfiguration?.canaryPercent,
            bakeMinutes: dc.canaryConfiguration?.canaryBakeTimeInMinutes
          }
        : undefined,
    linear:
      dc.strategy === 'LINEAR'
        ? {
            stepPercent: dc.linearConfiguration?.stepPercent,
            stepBakeMinutes: dc.linearConfiguration?.stepBakeTimeInMinutes
          }
        : undefined,
    hooks,
    pauses: [...new Set(hooks.filter(h => h.targetType === 'PAUSE').flatMap(h => h.stages))]
  }
}

/**
 * The deployment configuration a deploy runs with: UpdateService sends the service definition's, whose fields
 * replace the live ones (a field it leaves out stays as it is), and the new deployment uses the result.
 */
export function effectiveConfiguration(
  live: DeploymentConfiguration | undefined,
  definition: DeploymentConfiguration | undefined
): DeploymentConfiguration | undefined {
  if (definition === undefined) return live
  return { ...live, ...definition }
}

/** One line: "CANARY: 10% for 3m, then all; bake time 5m". */
export function describeStrategy(plan: NativePlan): string {
  const parts: string[] = [plan.strategy]
  if (plan.canary)
    parts.push(
      `${pct(plan.canary.percent)} of production traffic for ${minutes(plan.canary.bakeMinutes)}, then all of it`
    )
  if (plan.linear)
    parts.push(
      `production traffic in steps of ${pct(plan.linear.stepPercent)}, ${minutes(plan.linear.stepBakeMinutes)} apart`
    )
  if (plan.strategy === 'BLUE_GREEN') parts.push('all production traffic at once')
  parts.push(`bake time ${minutes(plan.bakeTimeInMinutes)}`)
  return parts.join('; ')
}

const pct = (n: number | undefined) => (n === undefined ? "ECS's default percent" : `${n}%`)
const minutes = (n: number | undefined) => (n === undefined ? "ECS's default" : `${n}m`)
