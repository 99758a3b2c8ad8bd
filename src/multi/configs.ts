/**
 * The `config` input as a list of config files: one path or pattern a line, patterns expanded in the
 * workspace (`deploy/*\/ecspresso.yml`). One literal path stays exactly what it was, unread until the config
 * loads, so a single config behaves as before.
 */
import { resolve } from 'node:path'
import { Input } from '../contract.js'
import { ActionError, ActionErrors } from '../errors.js'

/** Glob syntax tinyglobby (picomatch) reads: a line without it is a path, never matched against the disk. */
const MAGIC = /[*?[\]{}]|[@!+]\(/
const isDynamicPattern = (line: string): boolean => MAGIC.test(line)

/** The config files the lines name, in the order given (a pattern's matches sorted), each once. */
export async function configPaths(lines: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  if (lines.length === 1 && !isDynamicPattern(lines[0]!)) return [lines[0]!]
  const paths: string[] = []
  const errors: ActionError[] = []
  for (const line of lines) {
    if (!isDynamicPattern(line)) {
      paths.push(line)
      continue
    }
    // Loaded only for patterns: a step with one config path never loads it.
    const { glob } = await import('tinyglobby')
    const matches = (await glob(line, { cwd, onlyFiles: true, expandDirectories: false })).sort()
    if (matches.length === 0) {
      errors.push(
        new ActionError(`the config pattern '${line}' matches no file`, {
          where: { input: Input.Config },
          hint: `patterns are matched from the workspace (${cwd}); check the pattern, or check out the repository first (actions/checkout)`
        })
      )
    }
    paths.push(...matches)
  }
  if (errors.length > 0) throw new ActionErrors(errors)
  // `a/ecspresso.yml` and `./a/ecspresso.yml` are one service, deployed once.
  const seen = new Set<string>()
  const unique = paths.filter(path => !seen.has(resolve(cwd, path)) && seen.add(resolve(cwd, path)))
  if (unique.length === 0) {
    throw new ActionError('config names no file', {
      where: { input: Input.Config },
      hint: 'give one config path or glob pattern a line'
    })
  }
  return unique
}
