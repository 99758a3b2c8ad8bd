/**
 * Reads a step's stdout the way the GitHub runner does: lines split at LF and CR, `::name props::data` at a
 * line's start (after whitespace) and the older `##[name props]data` anywhere are commands, unless inside a
 * `::stop-commands::TOKEN` … `::TOKEN::` block; `::add-mask::` values are replaced by `***` in every later
 * line shown. Tests use it to check what people would see, and which commands the step really issued.
 */

export interface RunnerCommand {
  readonly name: string
  readonly props: string
  /** Unescaped (`%0A` → LF and so on). */
  readonly data: string
  /** The raw line. */
  readonly line: string
}

export interface RunnerLog {
  readonly commands: RunnerCommand[]
  /** Every line as the log viewer shows it, after masking (annotations' and groups' data included). */
  readonly shown: string[]
  readonly masks: string[]
}

const V2 = /^\s*::([A-Za-z][\w-]*)([^:]*)::(.*)$/s
const V1 = /##\[([A-Za-z][\w-]*)([^\]]*)\](.*)$/s

export function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

export function readRunnerLog(stdout: string): RunnerLog {
  const commands: RunnerCommand[] = []
  const shown: string[] = []
  const masks: string[] = []
  let stopToken: string | undefined
  const mask = (text: string): string =>
    masks.reduce((out, value) => (value === '' ? out : out.split(value).join('***')), text)
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined
      else shown.push(mask(line))
      continue
    }
    const match = V2.exec(line) ?? V1.exec(line)
    if (!match) {
      shown.push(mask(line))
      continue
    }
    const command = { name: match[1]!.toLowerCase(), props: match[2]!, data: unescapeData(match[3]!), line }
    commands.push(command)
    if (command.name === 'add-mask') masks.push(command.data)
    else if (command.name === 'stop-commands') stopToken = command.data
    else shown.push(mask(command.data))
  }
  return { commands, shown, masks }
}

/** Commands whose name, properties or the start of their data came from the attacker's text. */
export function forgedCommands(log: RunnerLog, marker: string): RunnerCommand[] {
  return log.commands.filter(c => `${c.name}${c.props}`.includes(marker) || c.data.startsWith(marker))
}
