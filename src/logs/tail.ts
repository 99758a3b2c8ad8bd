/**
 * Follows the CloudWatch Logs of one-off tasks (awslogs driver) while they run: GetLogEvents from the head of
 * each task's stream, then with its nextForwardToken, once per poll of the tasks. Lines go to `emit` (the job
 * log, through the sink); the last ones are kept for the summary.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import type { ContainerDefinition } from '@aws-sdk/client-ecs'
import { awsErrorName } from '../ecs/live.js'

/** Where one container of one task writes: awslogs streams are `prefix/container/taskId`. */
export interface LogSource {
  readonly taskArn: string
  readonly taskId: string
  readonly container: string
  readonly group: string
  readonly stream: string
  readonly region: string
}

/** The awslogs source of `container` in a task, or why there is none (said once as a notice). */
export function logSourceOf(
  container: ContainerDefinition,
  taskArn: string,
  defaultRegion: string
): LogSource | { readonly none: string } {
  const config = container.logConfiguration
  const name = container.name ?? ''
  if (config?.logDriver !== 'awslogs')
    return {
      none: `container ${name} does not log to CloudWatch Logs (logDriver ${config?.logDriver ?? 'none'}): its output is not shown here`
    }
  const options = config.options ?? {}
  const group = options['awslogs-group']
  const prefix = options['awslogs-stream-prefix']
  if (group === undefined || group === '')
    return { none: `container ${name} names no awslogs-group: its output is not shown here` }
  if (prefix === undefined || prefix === '')
    return {
      none: `container ${name} has no awslogs-stream-prefix, so its log stream cannot be named from the task: its output is not shown here`
    }
  const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1)
  return {
    taskArn,
    taskId,
    container: name,
    group,
    stream: `${prefix}/${name}/${taskId}`,
    region: options['awslogs-region'] ?? defaultRegion
  }
}

export interface TailOptions {
  readonly logs: (region: string) => Promise<CloudWatchLogsClient>
  readonly emit: (line: string) => void
  readonly warn: (message: string) => void
  /** Prefix each line with its task's id (several tasks). */
  readonly prefixed: boolean
  /** Lines kept per task for the summary. */
  readonly keep?: number
  /** Pages read per stream per poll, so one chatty task cannot hold up the poll. */
  readonly maxPages?: number
}

interface Followed {
  readonly source: LogSource
  token: string | undefined
  done: boolean
  readonly last: string[]
  lines: number
}

export class LogTail {
  private readonly followed: Followed[] = []
  private readonly warned = new Set<string>()
  private denied = false
  /** GetLogEvents calls made, for the summary and the budget tests. */
  calls = 0

  constructor(private readonly options: TailOptions) {}

  add(source: LogSource): void {
    this.followed.push({ source, token: undefined, done: false, last: [], lines: 0 })
  }

  get sources(): readonly LogSource[] {
    return this.followed.map(f => f.source)
  }

  /** Reads what each stream has gained since the last poll. Never throws: a problem is a warning. */
  async poll(signal?: AbortSignal): Promise<void> {
    for (const f of this.followed) {
      if (f.done || this.denied) continue
      await this.read(f, signal)
    }
  }

  /** The last lines of a task's watched container (as written, without prefix). */
  lastLines(taskArn: string): readonly string[] {
    return this.followed.find(f => f.source.taskArn === taskArn)?.last ?? []
  }

  linesOf(taskArn: string): number {
    return this.followed.find(f => f.source.taskArn === taskArn)?.lines ?? 0
  }

  private async read(f: Followed, signal: AbortSignal | undefined): Promise<void> {
    const { GetLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs')
    const client = await this.options.logs(f.source.region)
    const keep = this.options.keep ?? 20
    for (let page = 0; page < (this.options.maxPages ?? 5); page++) {
      let out
      try {
        this.calls++
        out = await client.send(
          new GetLogEventsCommand({
            logGroupName: f.source.group,
            logStreamName: f.source.stream,
            ...(f.token === undefined ? { startFromHead: true } : { nextToken: f.token })
          }),
          signal === undefined ? {} : { abortSignal: signal }
        )
      } catch (error) {
        this.problem(f, error)
        return
      }
      const events = out.events ?? []
      for (const event of events) {
        for (const line of (event.message ?? '').replace(/\r?\n$/, '').split(/\r?\n/)) {
          f.lines++
          f.last.push(line)
          if (f.last.length > keep) f.last.shift()
          this.options.emit(this.options.prefixed ? `[${f.source.taskId.slice(0, 8)}] ${line}` : line)
        }
      }
      // The same token back means the stream has nothing more for now.
      const next = out.nextForwardToken
      const moved = next !== undefined && next !== f.token
      f.token = next ?? f.token
      if (!moved || events.length === 0) return
    }
  }

  private problem(f: Followed, error: unknown): void {
    const name = awsErrorName(error)
    const message = error instanceof Error ? error.message : String(error)
    if (name === 'ResourceNotFoundException' && /log stream/i.test(message)) return // not created until the container starts
    if (name === 'ResourceNotFoundException') {
      f.done = true
      this.warnOnce(
        `group ${f.source.group}`,
        `log group ${f.source.group} does not exist: the tasks' output cannot be shown (create it, or set awslogs-create-group)`
      )
      return
    }
    if (name !== undefined && /AccessDenied|NotAuthorized|Unauthorized/i.test(name)) {
      this.denied = true
      this.warnOnce(
        'denied',
        `the role may not call logs:GetLogEvents on ${f.source.group}: the tasks' output is not shown (${message})`
      )
      return
    }
    if (name === 'AbortError') return
    this.warnOnce(
      `error ${name ?? message}`,
      `reading the log stream ${f.source.stream} failed: ${name ?? ''} ${message}; trying again on the next poll`
    )
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.options.warn(message)
  }
}
