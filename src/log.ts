import * as sink from './report/sink.js'

/** What commands print to the job log; tests collect the lines instead. */
export interface Logger {
  info(message: string): void
  warning(message: string, where?: { file?: string; line?: number; column?: number }): void
  debug(message: string): void
  group<T>(title: string, body: () => Promise<T>): Promise<T>
  /**
   * Registers a secret value (from a secret-source template function; `source` names it, never the value):
   * masked in every later log line and replaced wherever it appears in what the action writes.
   */
  mask(secret: string, source?: string): void
}

/**
 * The runner's log, through the sink: secrets replaced, lines that could act as workflow commands made
 * inert, annotation properties escaped.
 */
export const actionsLogger: Logger = {
  info: message => sink.info(message),
  warning: (message, where) => sink.warning(message, where),
  debug: message => sink.debug(message),
  group: (title, body) => sink.group(title, body),
  mask: (secret, source) => sink.secrets.add(secret, source ?? 'a template function')
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: message => void lines.push(message),
    warning: message => void lines.push(`warning: ${message}`),
    debug: () => undefined,
    group: async (title, body) => {
      lines.push(`[group] ${title}`)
      return body()
    },
    mask: () => undefined
  }
}
