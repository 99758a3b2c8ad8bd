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
          c.cpu === undefined ? '' : String(c.cpu),
          c.memory === undefined
            ? c.memoryReservation === undefined
              ? ''
              : `${c.memoryReservation} (soft)`
            : String(c.memory),
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
