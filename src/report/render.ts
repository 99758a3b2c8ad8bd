import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import type { Project } from '../project.js'
import { escapeHtml, inlineCode, table } from './markdown.js'

/**
 * The job summary of `command: render`: what was rendered and what each container runs. Values of
 * environment variables are never shown here; the files hold them for later steps.
 */
export function renderSummary(project: Project, files: readonly { kind: string; path: string }[]): string {
  const { config, taskDefinition: task, serviceDefinition: service } = project
  const title = config.service ?? task?.family ?? 'ECS'
  const lines = [`## Rendered ${escapeHtml(title)}`, '']
  const facts = [
    ['Cluster', inlineCode(config.cluster)],
    ...(config.service ? [['Service', inlineCode(config.service)]] : []),
    ...(task
      ? [
          [
            'Task definition',
            `${inlineCode(task.family ?? '')} from ${inlineCode(project.taskDefinitionPath ?? '')}`
          ]
        ]
      : []),
    ...(task && (task.cpu !== undefined || task.memory !== undefined) ? [['Task size', taskSize(task)]] : []),
    ...(project.serviceDefinitionPath
      ? [['Service definition', inlineCode(project.serviceDefinitionPath)]]
      : [])
  ]
  lines.push(table(['', ''], facts), '')
  if (task?.containerDefinitions?.length) {
    lines.push(
      table(
        ['Container', 'Image', 'CPU', 'Memory', 'Environment', 'Secrets'],
        task.containerDefinitions.map(c => [
          inlineCode(c.name ?? ''),
          inlineCode(c.image ?? ''),
          // What the file says: a container without cpu units (or with 0) shares the task's.
          c.cpu === undefined || c.cpu === 0 ? `${c.cpu ?? '—'} (shares the task's)` : String(c.cpu),
          c.memory === undefined
            ? c.memoryReservation === undefined
              ? '—'
              : `${c.memoryReservation} MiB (soft)`
            : `${c.memory} MiB`,
          String(c.environment?.length ?? 0),
          String(c.secrets?.length ?? 0)
        ])
      ),
      ''
    )
  }
  if (service?.desiredCount !== undefined || service?.launchType || service?.capacityProviderStrategy) {
    const launch =
      service.launchType ??
      service.capacityProviderStrategy?.map(s => `${s.capacityProvider ?? ''}:${s.weight ?? 0}`).join(', ') ??
      ''
    lines.push(
      `Service: desired count ${service.desiredCount ?? '(unchanged)'}${launch ? `, ${escapeHtml(launch)}` : ''}.`,
      ''
    )
  }
  if (files.length > 0) lines.push(files.map(f => `- ${f.kind}: ${inlineCode(f.path)}`).join('\n'), '')
  return lines.join('\n')
}

/** The task's cpu and memory as rendered: ECS units, with vCPU and GiB beside whole numbers. */
function taskSize(task: RegisterTaskDefinitionCommandInput): string {
  const parts: string[] = []
  if (task.cpu !== undefined) {
    const units = Number(task.cpu)
    parts.push(
      Number.isFinite(units) && /^\d+$/.test(task.cpu.trim())
        ? `cpu ${units} (${units / 1024} vCPU)`
        : `cpu ${inlineCode(task.cpu)}`
    )
  }
  if (task.memory !== undefined) {
    const mib = Number(task.memory)
    parts.push(
      Number.isFinite(mib) && /^\d+$/.test(task.memory.trim())
        ? `memory ${mib} MiB${mib >= 1024 ? ` (${mib / 1024} GiB)` : ''}`
        : `memory ${inlineCode(task.memory)}`
    )
  }
  return parts.join(', ')
}
