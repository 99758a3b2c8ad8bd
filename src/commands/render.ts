import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Output } from '../contract.js'
import type { Project } from '../project.js'
import { renderSummary } from '../report/render.js'
import type { CommandContext, CommandResult } from './types.js'

/**
 * `command: render`: the rendered task and service definitions, as files (for later steps) and in the log.
 * Touches no AWS API unless a template plugin reads a value.
 */
export async function runRender(ctx: CommandContext, project: Project): Promise<CommandResult> {
  const name = project.config.service ?? project.taskDefinition?.family ?? 'ecs'
  const dir = join(ctx.workDir, 'ecs-deploy-action', safeName(name))
  await mkdir(dir, { recursive: true })

  const outputs: Partial<Record<(typeof Output)[keyof typeof Output], string>> = {}
  const files: { kind: string; path: string }[] = []
  if (project.taskDefinition) {
    const path = join(dir, 'task-definition.json')
    const json = `${JSON.stringify(project.taskDefinition, null, 2)}\n`
    await writeFile(path, json)
    outputs[Output.TaskDefinition] = path
    files.push({ kind: 'task definition', path })
    await ctx.log.group(`Task definition (${project.taskDefinitionPath ?? ''})`, () =>
      Promise.resolve(ctx.log.info(json))
    )
  }
  if (project.serviceDefinition) {
    const path = join(dir, 'service-definition.json')
    const json = `${JSON.stringify(project.serviceDefinition, null, 2)}\n`
    await writeFile(path, json)
    outputs[Output.ServiceDefinition] = path
    files.push({ kind: 'service definition', path })
    await ctx.log.group(`Service definition (${project.serviceDefinitionPath ?? ''})`, () =>
      Promise.resolve(ctx.log.info(json))
    )
  }
  ctx.log.info(
    files.map(f => `Wrote the ${f.kind} to ${f.path}`).join('\n') || 'The config names no definitions.'
  )

  return {
    status: 'rendered',
    outputs: { ...outputs, [Output.Status]: 'rendered' },
    summary: renderSummary(project, files)
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_')
}
