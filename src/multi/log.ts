/**
 * One service's lines in a step that deploys several at once: every line starts with the service's config,
 * so interleaved output stays readable. Groups cannot nest or interleave in the runner's log, so a group
 * becomes a titled line.
 */
import type { Logger } from '../log.js'

export function prefixedLogger(base: Logger, name: string): Logger {
  const prefix = `[${name}] `
  const lines = (message: string) =>
    message
      .split('\n')
      .map(line => prefix + line)
      .join('\n')
  return {
    info: message => base.info(lines(message)),
    warning: (message, where) => base.warning(prefix + message, where),
    debug: message => base.debug(lines(message)),
    group: (title, body) => {
      base.info(`${prefix}▸ ${title}`)
      return body()
    },
    mask: (secret, source) => base.mask(secret, source)
  }
}
