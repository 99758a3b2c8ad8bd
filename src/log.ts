import * as core from '@actions/core'

/** What commands print to the job log; tests collect the lines instead. */
export interface Logger {
  info(message: string): void
  warning(message: string, where?: { file?: string; line?: number; column?: number }): void
  debug(message: string): void
  group<T>(title: string, body: () => Promise<T>): Promise<T>
  /** Masks a secret value in every later log line (values from secret-source template functions). */
  mask(secret: string): void
}

export const actionsLogger: Logger = {
  info: message => core.info(message),
  warning: (message, where) =>
    core.warning(message, {
      ...(where?.file === undefined ? {} : { file: where.file }),
      ...(where?.line === undefined ? {} : { startLine: where.line }),
      ...(where?.column === undefined ? {} : { startColumn: where.column })
    }),
  debug: message => core.debug(message),
  group: (title, body) => core.group(title, body),
  mask: secret => core.setSecret(secret)
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
