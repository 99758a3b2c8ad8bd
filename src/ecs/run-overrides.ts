import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs'
import { parse } from 'yaml'
import { Checker, displayPath } from '../definitions/check.js'
import { ActionError } from '../errors.js'

/**
 * Parses the `overrides` input (a TaskOverride as JSON or YAML) and checks it against the ECS shape, as
 * definition files are checked: keys spelled as the API spells them, wrong types and unknown keys refused
 * (with the nearest key as a suggestion). Problems are pushed to `errors`, each naming the input.
 */
export function parseOverrides(
  text: string | undefined,
  input: string,
  errors: ActionError[]
): TaskOverride | undefined {
  if (text === undefined) return undefined
  let raw: unknown
  try {
    raw = parse(text, { uniqueKeys: true })
  } catch (error) {
    errors.push(
      new ActionError(`${input} is not JSON or YAML: ${(error as Error).message.split('\n')[0]}`, {
        where: { input },
        hint: 'give a TaskOverride, e.g. {"containerOverrides": [{"name": "app", "command": ["rails", "db:migrate"]}]}'
      })
    )
    return undefined
  }
  if (raw === null || raw === undefined) return undefined
  const checker = new Checker({
    operation: 'RunTask',
    dropEmptyLists: false,
    rootKeys: () => undefined
  })
  const value = checker.root(raw, 'TaskOverride', [])
  // Unlike a migrated definition file, an override is written for this action: an unknown key is a typo.
  for (const issue of checker.issues) {
    const at = displayPath(issue.path)
    errors.push(
      new ActionError(
        issue.message.startsWith('unknown key') || at === ''
          ? `${input}: ${issue.message.replace(/ in the definition$/, ' of a TaskOverride')}`
          : `${input}: ${issue.message.replace(/ is not a field of ECS RunTask; it is not sent$/, ' is not a field of a TaskOverride')}`,
        {
          where: { input },
          hint:
            issue.hint ??
            (issue.severity === 'warning'
              ? 'a TaskOverride has containerOverrides, cpu, memory, taskRoleArn, executionRoleArn, ephemeralStorage, inferenceAcceleratorOverrides'
              : undefined)
        }
      )
    )
  }
  return checker.issues.length > 0 ? undefined : value
}

/** Problems with an override against the task definition it runs: containers it names must exist. */
export function overrideFindings(overrides: TaskOverride | undefined, td: TaskDefinition): string[] {
  const names = (td.containerDefinitions ?? []).map(c => c.name ?? '')
  const seen = new Set<string>()
  const findings: string[] = []
  for (const [i, o] of (overrides?.containerOverrides ?? []).entries()) {
    const name = o.name
    if (name === undefined) {
      findings.push(`containerOverrides[${i}] names no container (name is required)`)
      continue
    }
    if (!names.includes(name))
      findings.push(
        `containerOverrides[${i}] names container '${name}', which is not in task definition ${td.family ?? ''} (its containers: ${names.join(', ')})`
      )
    else if (seen.has(name))
      findings.push(`containerOverrides[${i}] overrides container '${name}' a second time`)
    seen.add(name)
  }
  const size = JSON.stringify(overrides ?? {}).length
  if (size > 8192) findings.push(`the overrides are ${size} characters long; ECS takes at most 8192`)
  return findings
}
