import type { AwsClients } from '../aws/clients.js'
import type { Clock } from '../clock.js'
import type { OutputName, Status } from '../contract.js'
import type { DiffPlan } from '../diff/plan.js'
import type { ActionInputs } from '../inputs.js'
import type { Logger } from '../log.js'

/** What the workflow run tells us about itself (from the runner's GITHUB_* variables). */
export interface GithubContext {
  readonly eventName: string | undefined
  /** The parsed event payload (GITHUB_EVENT_PATH), `{}` when absent. */
  readonly payload: Readonly<Record<string, unknown>>
  readonly repository: string | undefined // owner/name
  readonly sha: string | undefined
  readonly runId: string | undefined
  readonly runAttempt: string | undefined
  readonly actor: string | undefined
  readonly serverUrl: string // https://github.com
  readonly apiUrl: string // https://api.github.com
  /** The pull request number on pull_request(_target) events. */
  readonly pullRequest: number | undefined
}

/** Everything a command needs, injected so tests can point it at the emulator, moto or a fake GitHub. */
export interface CommandContext {
  readonly inputs: ActionInputs
  /** Environment for templates (process.env plus IMAGE_TAG from the image-tag input). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Made once the config's region is known (render needs none). */
  readonly awsClients: (region: string) => AwsClients
  readonly github: GithubContext
  readonly log: Logger
  readonly clock: Clock
  /** Directory for files a command writes (rendered definitions): RUNNER_TEMP or the OS temp dir. */
  readonly workDir: string
  /**
   * Poll interval override for watching deployments, from ECS_DEPLOY_ACTION_POLL_MS (tests and the demo run
   * against an emulator on a fast clock); undefined means the watcher's own schedule.
   */
  readonly pollIntervalMs: number | undefined
  /**
   * Aborts when the runner cancels the step (SIGINT, SIGTERM): sleeps and polls wake at once, and the command
   * reports `cancelled` (sending the rollback DEPLOYMENT_STOP_ON_REQUEST asks for).
   */
  readonly signal?: AbortSignal | undefined
}

/** What a command hands back to main: data for outputs, and the summary already formatted by report/. */
export interface CommandResult {
  readonly status: Status
  readonly outputs: Readonly<Partial<Record<OutputName, string>>>
  /** Markdown for the job summary. */
  readonly summary: string
  /** Set when the step must fail (after outputs and summary are written). */
  readonly failure?: string | undefined
  /** The process's exit code when the step fails, if not 1 (`run`: the watched container's non-zero exit). */
  readonly exitCode?: number | undefined
  /** Dry run: the plan, for a step over several services to put in its one PR comment. */
  readonly plan?: DiffPlan | undefined
}
