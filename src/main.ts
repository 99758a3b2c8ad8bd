import { tmpdir } from 'node:os'
import { createAwsClients, type AwsClients } from './aws/clients.js'
import { cancelOnSignals } from './cancel.js'
import { systemClock } from './clock.js'
import type { CommandContext, CommandResult } from './commands/types.js'
import { Output } from './contract.js'
import { ActionError, describeError, errorStack, isDebugRun } from './errors.js'
import { readGithubContext } from './github/context.js'
import { parseInputs, taskDefinitionFile } from './inputs.js'
import { actionsLogger } from './log.js'
import { configPaths } from './multi/configs.js'
import { loadProject } from './project.js'
import { commandAskedFor, failureAnnotations, failureSummary } from './report/failure.js'
import * as sink from './report/sink.js'

/** The action's entry: parse inputs, run the command, write outputs and the job summary. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let summaryWritten = false
  // Until a command starts, nothing can have been written to AWS, and the summary says so.
  let commandStarted = false
  let ctx: CommandContext | undefined
  // The token and the AWS credentials are masked before anything can print them.
  sink.registerEnvironmentSecrets(env)
  const cancel = cancelOnSignals({
    say: message => actionsLogger.warning(message),
    // The report did not come in time: say so before the runner kills the step.
    onStuck: name => {
      sink.setOutput(Output.Status, 'cancelled')
      void sink
        .writeSummary(
          `## 🛑 Cancelled by ${name}\n\nThe step was stopped before it could read the deployment's state; a deployment it started continues in ECS.\n`
        )
        .finally(() => {
          sink.fail(`cancelled by ${name} before the deployment's state was read`)
          process.exit()
        })
    }
  })
  // Outputs, summary and failure go through the sink: redacted, escaped, within GitHub's limits.
  const report = async (result: CommandResult) => {
    for (const [name, value] of Object.entries(result.outputs)) {
      if (value !== undefined) sink.setOutput(name, value)
    }
    summaryWritten = await sink.writeSummary(result.summary)
    cancel.reported()
    if (result.failure !== undefined) sink.fail(result.failure, result.exitCode)
  }
  try {
    const parsed = parseInputs()
    // Several configs (lines, or a pattern): src/multi/ deploys them; one config goes on as it always did.
    const configs = await configPaths(parsed.configs)
    const inputs = configs.length === 1 ? { ...parsed, config: configs[0]!, configs } : parsed
    ctx = {
      inputs,
      env: inputs.imageTag === undefined ? env : { ...env, IMAGE_TAG: inputs.imageTag },
      awsClients: awsClientsFor(),
      github: readGithubContext(env),
      log: actionsLogger,
      clock: systemClock,
      workDir: env.RUNNER_TEMP || tmpdir(),
      pollIntervalMs: positiveNumber(env.ECS_DEPLOY_ACTION_POLL_MS),
      signal: cancel.signal
    }
    if (configs.length > 1) {
      const { runSeveral } = await import('./multi/run.js')
      await report(await runSeveral(ctx, configs, { onWritesAllowed: () => (commandStarted = true) }))
      return
    }
    const project = await loadProject({
      configPath: inputs.config,
      env: ctx.env,
      images: inputs.images,
      awsClients: ctx.awsClients,
      // A rollback deploys a revision already registered: templates that need this run's IMAGE_TAG must not stop it.
      skipTaskDefinition:
        ((inputs.command === 'deploy' || inputs.command === 'run') && inputs.skipTaskDefinition) ||
        inputs.command === 'rollback' ||
        inputs.command === 'promote',
      redact: inputs.redact,
      overrides: {
        cluster: inputs.cluster,
        service: inputs.service,
        taskDefinition: taskDefinitionFile(inputs)
      },
      extStr: inputs.extStr,
      extCode: inputs.extCode,
      log: ctx.log
    })
    // Each command's modules (and the AWS SDK clients they use) load only when that command runs.
    let result: CommandResult
    commandStarted = true
    if (inputs.command === 'render') {
      result = await (await import('./commands/render.js')).runRender(ctx, project)
    } else if (inputs.command === 'run') {
      result = await (await import('./commands/run.js')).runTasks(ctx, project)
    } else if (inputs.command === 'verify') {
      result = await (await import('./commands/verify.js')).runVerify(ctx, project)
    } else if (inputs.command === 'rollback') {
      result = await (await import('./commands/rollback.js')).runRollback(ctx, project)
    } else if (inputs.command === 'promote') {
      result = await (await import('./commands/promote.js')).runPromote(ctx, project)
    } else if (inputs.command === 'register') {
      result = await (await import('./commands/register.js')).runRegister(ctx, project)
    } else if (inputs.dryRun) {
      result = await (await import('./commands/dry-run.js')).runDryRun(ctx, project)
    } else {
      result = await (await import('./commands/deploy.js')).runDeploy(ctx, project)
    }
    await report(result)
  } catch (error) {
    const text = describeError(error)
    if (isDebugRun(env)) sink.debug(errorStack(error))
    sink.setOutput(Output.Status, 'failed')
    const asked = ctx?.inputs ?? commandAskedFor(env)
    if (!summaryWritten) await sink.writeSummary(failureSummary(text, !commandStarted, asked))
    // A dry run on a pull request: the sticky comment says the plan failed instead of showing the last one.
    if (ctx) await (await import('./github/plan-comment.js')).commentFailedPlan(ctx, text)
    cancel.reported()
    // One annotation per problem; GitHub marks the located ones on their lines.
    sink.failWith(failureAnnotations(error, asked))
  } finally {
    cancel.dispose()
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

function positiveNumber(text: string | undefined): number | undefined {
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : undefined
}
