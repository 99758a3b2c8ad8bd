import { tmpdir } from 'node:os'
import * as core from '@actions/core'
import { createAwsClients, type AwsClients } from './aws/clients.js'
import { systemClock } from './clock.js'
import type { CommandContext, CommandResult } from './commands/types.js'
import { Output } from './contract.js'
import { ActionError, describeError, errorStack, isDebugRun } from './errors.js'
import { readGithubContext } from './github/context.js'
import { parseInputs } from './inputs.js'
import { actionsLogger } from './log.js'
import { loadProject } from './project.js'
import { failureSummary } from './report/failure.js'

/** The action's entry: parse inputs, run the command, write outputs and the job summary. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let summaryWritten = false
  // Until a command starts, nothing can have been written to AWS, and the summary says so.
  let commandStarted = false
  try {
    const inputs = parseInputs()
    const ctx: CommandContext = {
      inputs,
      env: inputs.imageTag === undefined ? env : { ...env, IMAGE_TAG: inputs.imageTag },
      awsClients: awsClientsFor(),
      github: readGithubContext(env),
      log: actionsLogger,
      clock: systemClock,
      workDir: env.RUNNER_TEMP || tmpdir(),
      pollIntervalMs: positiveNumber(env.ECS_DEPLOY_ACTION_POLL_MS)
    }
    const project = await loadProject({
      configPath: inputs.config,
      env: ctx.env,
      images: inputs.images,
      awsClients: ctx.awsClients,
      skipTaskDefinition: inputs.command === 'deploy' && inputs.skipTaskDefinition,
      log: ctx.log
    })
    // Each command's modules (and the AWS SDK clients they use) load only when that command runs.
    let result: CommandResult
    commandStarted = true
    if (inputs.command === 'render') {
      result = await (await import('./commands/render.js')).runRender(ctx, project)
    } else if (inputs.dryRun) {
      result = await (await import('./commands/dry-run.js')).runDryRun(ctx, project)
    } else {
      result = await (await import('./commands/deploy.js')).runDeploy(ctx, project)
    }
    for (const [name, value] of Object.entries(result.outputs)) {
      if (value !== undefined) core.setOutput(name, value)
    }
    summaryWritten = await writeSummary(result.summary)
    if (result.failure !== undefined) core.setFailed(result.failure)
  } catch (error) {
    const text = describeError(error)
    if (isDebugRun(env)) core.debug(errorStack(error))
    core.setOutput(Output.Status, 'failed')
    if (!summaryWritten) await writeSummary(failureSummary(text, !commandStarted))
    core.setFailed(text)
  }
}

function awsClientsFor(): (region: string) => AwsClients {
  const made = new Map<string, AwsClients>()
  return region => {
    if (region === '') {
      throw new ActionError('no AWS region is known', {
        hint: 'set region in ecspresso.yml, or AWS_REGION (aws-actions/configure-aws-credentials sets it)'
      })
    }
    let clients = made.get(region)
    if (!clients) {
      clients = createAwsClients({ region })
      made.set(region, clients)
    }
    return clients
  }
}

async function writeSummary(markdown: string): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY || markdown === '') return false
  try {
    await core.summary.addRaw(markdown, true).write()
    return true
  } catch (error) {
    core.warning(`could not write the job summary: ${describeError(error)}`)
    return false
  }
}

function positiveNumber(text: string | undefined): number | undefined {
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : undefined
}
