import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { nodeBinary, repoRoot } from '../helpers/run-action.js'

/** Markdown syntax and workflow commands that must not reach a terminal, one finding a line. */
export function rawMarkdown(text: string): string[] {
  const found: string[] = []
  for (const line of text.split('\n')) {
    if (/^\s*\|.*\|\s*$/.test(line)) found.push(`table row: ${line}`)
    if (/^\s*(```|~~~)/.test(line)) found.push(`fence: ${line}`)
    if (/<\/?(details|summary|sub|br)\b|<!--/i.test(line)) found.push(`html: ${line}`)
    if (/\*\*\S/.test(line)) found.push(`bold: ${line}`)
    if (/\]\(https?:/.test(line)) found.push(`link: ${line}`)
    if (/^#{1,6} \S/.test(line)) found.push(`heading: ${line}`)
    if (/::(group|endgroup|stop-commands|add-mask|error|warning|debug|set-output)/.test(line))
      found.push(`workflow command: ${line}`)
    if (/&(lt|gt|amp|quot);/.test(line)) found.push(`entity: ${line}`)
  }
  return found
}

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** The `name: value` lines after "Outputs". */
  readonly outputs: Record<string, string>
}

/** Runs bin/ecs-deploy-action.mjs as a person would: a child process, only the environment given. */
export function runCli(argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary, [join(repoRoot, 'bin', 'ecs-deploy-action.mjs'), ...argv], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr, outputs: outputsOf(stdout) }))
  })
}

export function outputsOf(text: string): Record<string, string> {
  const at = text.lastIndexOf('\nOutputs\n')
  if (at < 0) return {}
  const outputs: Record<string, string> = {}
  for (const line of text.slice(at + '\nOutputs\n'.length).split('\n')) {
    const match = /^([a-z-]+): (.*)$/.exec(line)
    if (match) outputs[match[1]!] = match[2]!
  }
  return outputs
}
