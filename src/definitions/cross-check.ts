/**
 * The service definition against the task definition it will run, as ECS checks them at CreateService and
 * UpdateService (after the revision is registered, so a mismatch found there leaves a registered revision and a
 * failed step): load balancer and service registry containers and ports, Service Connect port names, and
 * volume configurations against volumes configured at launch.
 */
import type { PortMapping, RegisterTaskDefinitionCommandInput, Service } from '@aws-sdk/client-ecs'
import type { Finding } from './limits.js'
import type { ServiceDefinitionInput } from './index.js'

export function crossCheckFindings(
  service: ServiceDefinitionInput,
  task: RegisterTaskDefinitionCommandInput
): Finding[] {
  const findings: Finding[] = []
  const containers = task.containerDefinitions ?? []
  const names = containers.map(c => c.name ?? '')
  const family = task.family ?? ''
  const portsOf = (name: string): PortMapping[] => containers.find(c => c.name === name)?.portMappings ?? []
  const containerList = `the containers of '${family}' are: ${names.join(', ') || '(none)'}`

  const checkContainer = (
    what: 'loadBalancers' | 'serviceRegistries',
    index: number,
    containerName: string | undefined,
    containerPort: number | undefined
  ): void => {
    const at = [what, index]
    if (containerName === undefined) return
    if (!names.includes(containerName)) {
      findings.push({
        path: [...at, 'containerName'],
        message: `${what}[${index}] names container '${containerName}', which is not in task definition '${family}'`,
        hint: containerList
      })
      return
    }
    if (containerPort === undefined) return
    const ports = portsOf(containerName)
    if (ports.some(p => p.containerPort === containerPort)) return
    const listed = ports.map(p => p.containerPort).filter(p => p !== undefined)
    findings.push({
      path: [...at, 'containerPort'],
      message: `${what}[${index}] sends traffic to port ${containerPort} of container '${containerName}', which maps no such containerPort`,
      hint:
        listed.length === 0
          ? `add { "containerPort": ${containerPort} } to the portMappings of '${containerName}'`
          : `'${containerName}' maps containerPort ${listed.join(', ')}; use one of them or add a port mapping`
    })
  }

  service.loadBalancers?.forEach((lb, i) =>
    checkContainer('loadBalancers', i, lb.containerName, lb.containerPort)
  )
  service.serviceRegistries?.forEach((r, i) =>
    checkContainer('serviceRegistries', i, r.containerName, r.containerPort)
  )

  const portNames = containers
    .flatMap(c => (c.portMappings ?? []).map(p => p.name))
    .filter(n => n !== undefined)
  const connect = service.serviceConnectConfiguration
  if (connect?.enabled !== false)
    connect?.services?.forEach((s, i) => {
      if (s.portName === undefined || portNames.includes(s.portName)) return
      findings.push({
        path: ['serviceConnectConfiguration', 'services', i, 'portName'],
        message: `serviceConnectConfiguration.services[${i}].portName '${s.portName}' names no port mapping of task definition '${family}'`,
        hint:
          portNames.length === 0
            ? 'give the port mapping a name ("name": "http" in portMappings) and use it as portName'
            : `the named port mappings are: ${portNames.join(', ')}`
      })
    })

  const atLaunch = (task.volumes ?? []).filter(v => v.configuredAtLaunch === true).map(v => v.name ?? '')
  service.volumeConfigurations?.forEach((v, i) => {
    if (v.name === undefined || atLaunch.includes(v.name)) return
    const plain = (task.volumes ?? []).some(volume => volume.name === v.name)
    findings.push({
      path: ['volumeConfigurations', i, 'name'],
      message: plain
        ? `volumeConfigurations[${i}] configures volume '${v.name}', which task definition '${family}' does not mark configuredAtLaunch`
        : `volumeConfigurations[${i}] configures volume '${v.name}', which is not a volume of task definition '${family}'`,
      hint: plain
        ? `set "configuredAtLaunch": true on volume '${v.name}' in the task definition`
        : atLaunch.length === 0
          ? 'add the volume to the task definition with "configuredAtLaunch": true'
          : `the volumes configured at launch are: ${atLaunch.join(', ')}`
    })
  })
  return findings
}

/**
 * The task definition against what the live service keeps. Without a service definition a deploy changes
 * only the task definition, and ECS keeps the service's load balancers, registries, Service Connect and
 * volume configurations (and checks the new revision against them). With one, the file is the desired state:
 * what it omits is cleared (desired-state.ts), except service registries, which ecspresso leaves alone, and
 * the load balancers of a CODE_DEPLOY service, which UpdateService cannot change.
 */
export function liveServiceFindings(
  live: Service,
  local: ServiceDefinitionInput | undefined,
  task: RegisterTaskDefinitionCommandInput
): Finding[] {
  const primary = live.deployments?.find(d => d.status === 'PRIMARY')
  const codeDeploy = (local?.deploymentController ?? live.deploymentController)?.type === 'CODE_DEPLOY'
  const keeps = local === undefined
  const kept: ServiceDefinitionInput = {}
  if ((keeps || codeDeploy) && local?.loadBalancers === undefined && live.loadBalancers?.length)
    kept.loadBalancers = live.loadBalancers
  if (local?.serviceRegistries === undefined && live.serviceRegistries?.length)
    kept.serviceRegistries = live.serviceRegistries
  if (
    (keeps || codeDeploy) &&
    local?.serviceConnectConfiguration === undefined &&
    primary?.serviceConnectConfiguration
  )
    kept.serviceConnectConfiguration = primary.serviceConnectConfiguration
  if (
    (keeps || codeDeploy) &&
    local?.volumeConfigurations === undefined &&
    primary?.volumeConfigurations?.length
  )
    kept.volumeConfigurations = primary.volumeConfigurations.map(v => ({ name: v.name }))
  return crossCheckFindings(kept, task)
}
