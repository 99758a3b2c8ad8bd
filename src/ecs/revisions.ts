/**
 * Revisions of a task definition family: which one a rollback goes back to (as ecspresso's
 * FindRollbackTarget picks it), which ones `keep-revisions` lets go, and deregistering them.
 */
import {
  DeregisterTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { familyOf } from './task-definition.js'

/** `...task-definition/web:12` → 12 (NaN when the reference has no revision). */
export function revisionOf(arn: string): number {
  const colon = arn.lastIndexOf(':')
  const text = arn.slice(colon + 1)
  return colon < 0 || !/^\d+$/.test(text) ? Number.NaN : Number(text)
}

/** The family's ACTIVE revisions, newest first, every page. */
export async function listActiveRevisions(ecs: ECSClient, family: string): Promise<string[]> {
  const arns: string[] = []
  let nextToken: string | undefined
  do {
    const out = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: family,
        status: 'ACTIVE',
        sort: 'DESC',
        maxResults: 100,
        ...(nextToken === undefined ? {} : { nextToken })
      })
    )
    arns.push(...(out.taskDefinitionArns ?? []).filter(arn => familyOf(arn) === family))
    nextToken = out.nextToken
  } while (nextToken !== undefined)
  // Newest first whatever order a page came in.
  return arns.sort((a, b) => revisionOf(b) - revisionOf(a))
}

/**
 * The revision a rollback goes back to: the newest ACTIVE revision older than the one the service runs.
 * ecspresso takes the one listed after the current in the family's ACTIVE revisions; this is the same when
 * the current one is ACTIVE, and still finds the previous one when the current was deregistered already.
 */
export function previousRevision(activeNewestFirst: readonly string[], current: string): string | undefined {
  const family = familyOf(current)
  const revision = revisionOf(current)
  return activeNewestFirst.find(arn => familyOf(arn) === family && revisionOf(arn) < revision)
}

/**
 * What `keep-revisions: keep` lets go: ACTIVE revisions beyond the newest `keep`, never one in `protect`
 * (the revision the service runs and the one it ran before), newest first.
 */
export function revisionsBeyond(
  activeNewestFirst: readonly string[],
  keep: number,
  protect: readonly (string | undefined)[]
): string[] {
  return activeNewestFirst.slice(keep).filter(arn => !protect.includes(arn))
}

export async function deregisterRevision(ecs: ECSClient, arn: string): Promise<void> {
  await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))
}
