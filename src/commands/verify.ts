import { Output } from '../contract.js'
import { ActionError } from '../errors.js'
import type { Project } from '../project.js'
import { verifyFailure, verifyLogLine, verifySummary } from '../report/verify.js'
import { failedChecks, verifyProject, type VerifyResult } from '../verify/checks.js'
import type { CommandContext, CommandResult } from './types.js'

/**
 * `command: verify`: checks that what the definitions refer to exists (images, roles, secrets, log groups,
 * target groups, subnets, security groups, the cluster and its capacity providers). Read-only.
 */
export async function runVerify(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const result = await check(ctx, project)
  const failed = failedChecks(result)
  const status = failed.length === 0 ? 'verified' : 'failed'
  return {
    status,
    outputs: { [Output.Status]: status },
    summary: verifySummary(result),
    failure: failed.length === 0 ? undefined : verifyFailure(failed)
  }
}

/**
 * `verify: true` on a deploy: the same checks before the first write. A failed check stops the step with an
 * error naming what is missing (nothing written); warnings (denied, unreachable) do not.
 */
export async function verifyBeforeDeploy(ctx: CommandContext, project: Project): Promise<void> {
  const result = await ctx.log.group('Verify (verify: true)', () => check(ctx, project))
  const failed = failedChecks(result)
  if (failed.length > 0)
    throw new ActionError(verifyFailure(failed), {
      where: { input: 'verify' },
      hint: 'create what is missing, or fix the definitions; nothing was written'
    })
}

async function check(ctx: CommandContext, project: Project): Promise<VerifyResult> {
  const result = await verifyProject(project, {
    clients: ctx.awsClients,
    region: project.config.region,
    signal: ctx.signal
  })
  for (const c of result.checks) {
    if (c.result === 'not-checked') ctx.log.warning(`verify: ${verifyLogLine(c)}`)
    else ctx.log.info(verifyLogLine(c))
  }
  return result
}
