/**
 * Which CodeDeploy application and deployment group deploy a service: named in the config's `codedeploy`
 * section, or found by listing the ECS applications and the groups whose ECS service is ours.
 */
import {
  BatchGetApplicationsCommand,
  BatchGetDeploymentGroupsCommand,
  paginateListApplications,
  paginateListDeploymentGroups,
  type CodeDeployClient,
  type DeploymentGroupInfo,
  type LoadBalancerInfo
} from '@aws-sdk/client-codedeploy'
import type { CodeDeployConfig } from '../config/types.js'
import { nameOf } from '../ecs/service-input.js'
import { awsErrorName } from '../ecs/live.js'
import { ActionError } from '../errors.js'

/** The deployment group a deploy goes through, with what the report needs to know about it. */
export interface DeploymentGroupRef {
  readonly applicationName: string
  readonly deploymentGroupName: string
  /** The config's `deployment_config_name` if set, else the group's own. */
  readonly deploymentConfigName: string | undefined
  /** Where the group came from: the config's `codedeploy` section, or discovery. */
  readonly source: 'config' | 'discovered'
  /**
   * After the replacement takes test traffic: CONTINUE_DEPLOYMENT reroutes at once; STOP_DEPLOYMENT waits up to
   * `waitTimeInMinutes` (status Ready) for someone to continue it.
   */
  readonly readyAction: string | undefined
  readonly readyWaitMinutes: number | undefined
  /** Minutes the original task set is kept after rerouting. */
  readonly terminationWaitMinutes: number | undefined
  readonly autoRollbackEvents: readonly string[]
  /** The group's target groups and its production and test listeners (test-command's endpoint). */
  readonly loadBalancerInfo?: LoadBalancerInfo | undefined
}

/** BatchGet calls accept at most this many names. */
const BATCH = 100

/** True when the group deploys `service` on `cluster` (names or ARNs). */
export function targetsService(group: DeploymentGroupInfo, cluster: string, service: string): boolean {
  return (group.ecsServices ?? []).some(
    s =>
      s.clusterName !== undefined &&
      nameOf(s.clusterName) === nameOf(cluster) &&
      s.serviceName === nameOf(service)
  )
}

/** The groups, among `groups`, that deploy the service (pure: the discovery filter). */
export function matchingGroups(
  groups: readonly DeploymentGroupInfo[],
  cluster: string,
  service: string
): DeploymentGroupInfo[] {
  return groups.filter(g => targetsService(g, cluster, service))
}

export function toGroupRef(
  group: DeploymentGroupInfo,
  applicationName: string,
  config: CodeDeployConfig | undefined,
  source: DeploymentGroupRef['source']
): DeploymentGroupRef {
  const ready = group.blueGreenDeploymentConfiguration?.deploymentReadyOption
  const termination = group.blueGreenDeploymentConfiguration?.terminateBlueInstancesOnDeploymentSuccess
  const rollback = group.autoRollbackConfiguration
  return {
    applicationName: group.applicationName ?? applicationName,
    deploymentGroupName: group.deploymentGroupName ?? '',
    deploymentConfigName: config?.deploymentConfigName || group.deploymentConfigName,
    source,
    readyAction: ready?.actionOnTimeout,
    readyWaitMinutes: ready?.waitTimeInMinutes,
    terminationWaitMinutes: termination?.terminationWaitTimeInMinutes,
    autoRollbackEvents: rollback?.enabled ? [...(rollback.events ?? [])] : [],
    loadBalancerInfo: group.loadBalancerInfo
  }
}

export interface FindGroupOptions {
  readonly codedeploy: CodeDeployClient
  readonly cluster: string
  readonly service: string
  readonly config: CodeDeployConfig | undefined
  /** Shown in hints: the config file as people know it. */
  readonly configFile: string
  readonly debug?: ((message: string) => void) | undefined
}

/**
 * Finds the one deployment group of the service. Read-only. Names in the config skip the listing they
 * replace (the application name skips ListApplications, the group name ListDeploymentGroups); a group named
 * in the config must still deploy this service. None or several found is an error saying what to configure.
 */
export async function findDeploymentGroup(options: FindGroupOptions): Promise<DeploymentGroupRef> {
  const { codedeploy, cluster, service, config } = options
  const appName = config?.applicationName || undefined
  const groupName = config?.deploymentGroupName || undefined
  const fromConfig = appName !== undefined && groupName !== undefined
  try {
    const apps = appName !== undefined ? [appName] : await ecsApplications(codedeploy)
    options.debug?.(`CodeDeploy ECS applications: ${apps.join(', ') || '(none)'}`)
    const found: { app: string; group: DeploymentGroupInfo }[] = []
    const others: { app: string; group: DeploymentGroupInfo }[] = []
    for (const app of apps) {
      const names = groupName !== undefined ? [groupName] : await groupNames(codedeploy, app)
      const batch = await batchGroups(codedeploy, app, names)
      if (batch.errorMessage !== undefined && fromConfig && batch.groups.length === 0) {
        throw new ActionError(
          `CodeDeploy deployment group '${groupName}' of application '${app}': ${batch.errorMessage}`,
          {
            where: { file: options.configFile },
            hint: 'check codedeploy.deployment_group_name in the config, and the region'
          }
        )
      }
      for (const group of batch.groups) {
        if (targetsService(group, cluster, service)) found.push({ app, group })
        else others.push({ app, group })
      }
    }
    if (found.length === 1) {
      const only = found[0]!
      return toGroupRef(only.group, only.app, config, fromConfig ? 'config' : 'discovered')
    }
    if (found.length === 0) throw noGroup(options, appName, groupName, others)
    throw severalGroups(options, found)
  } catch (error) {
    if (error instanceof ActionError) throw error
    const name = awsErrorName(error)
    if (name === 'ApplicationDoesNotExistException' && appName !== undefined) {
      throw new ActionError(`CodeDeploy application '${appName}' does not exist in this region`, {
        where: { file: options.configFile },
        hint: 'check codedeploy.application_name in the config, and the region',
        cause: error
      })
    }
    if (name === 'AccessDeniedException' && !fromConfig) {
      throw new ActionError(
        `finding the CodeDeploy deployment group was denied: ${(error as Error).message}`,
        {
          hint:
            'allow codedeploy:ListApplications, BatchGetApplications, ListDeploymentGroups and BatchGetDeploymentGroups, ' +
            `or name the group in ${options.configFile} (codedeploy: application_name, deployment_group_name) so no listing is needed`,
          cause: error
        }
      )
    }
    throw error
  }
}

async function ecsApplications(codedeploy: CodeDeployClient): Promise<string[]> {
  const names: string[] = []
  for await (const page of paginateListApplications({ client: codedeploy }, {}))
    names.push(...(page.applications ?? []))
  const ecs: string[] = []
  for (let i = 0; i < names.length; i += BATCH) {
    const out = await codedeploy.send(
      new BatchGetApplicationsCommand({ applicationNames: names.slice(i, i + BATCH) })
    )
    for (const info of out.applicationsInfo ?? []) {
      if (info.computePlatform === 'ECS' && info.applicationName !== undefined) ecs.push(info.applicationName)
    }
  }
  return ecs
}

async function groupNames(codedeploy: CodeDeployClient, app: string): Promise<string[]> {
  const names: string[] = []
  for await (const page of paginateListDeploymentGroups({ client: codedeploy }, { applicationName: app })) {
    names.push(...(page.deploymentGroups ?? []))
  }
  return names
}

async function batchGroups(
  codedeploy: CodeDeployClient,
  app: string,
  names: string[]
): Promise<{ groups: DeploymentGroupInfo[]; errorMessage: string | undefined }> {
  const groups: DeploymentGroupInfo[] = []
  let errorMessage: string | undefined
  for (let i = 0; i < names.length; i += BATCH) {
    const out = await codedeploy.send(
      new BatchGetDeploymentGroupsCommand({
        applicationName: app,
        deploymentGroupNames: names.slice(i, i + BATCH)
      })
    )
    // Groups that do not exist come back as an error message beside the ones that do, not as an exception.
    groups.push(...(out.deploymentGroupsInfo ?? []).filter(g => g.deploymentGroupName !== undefined))
    if (out.errorMessage) errorMessage = out.errorMessage
  }
  return { groups, errorMessage }
}

function configSnippet(app: string, group: string): string {
  return `codedeploy:\n  application_name: ${app}\n  deployment_group_name: ${group}`
}

function noGroup(
  options: FindGroupOptions,
  appName: string | undefined,
  groupName: string | undefined,
  others: readonly { app: string; group: DeploymentGroupInfo }[]
): ActionError {
  const target = `service ${nameOf(options.service)} on cluster ${nameOf(options.cluster)}`
  if (groupName !== undefined && others.length > 0) {
    const targets = (others[0]!.group.ecsServices ?? []).map(
      s => `${s.serviceName ?? ''} on ${s.clusterName ?? ''}`
    )
    return new ActionError(
      `CodeDeploy deployment group '${groupName}' does not deploy ${target} (it deploys ${targets.join(', ') || 'no ECS service'})`,
      {
        where: { file: options.configFile },
        hint: 'check cluster, service and codedeploy.deployment_group_name in the config'
      }
    )
  }
  const scope =
    appName === undefined
      ? 'no CodeDeploy ECS application'
      : `CodeDeploy application '${appName}' has no deployment group that`
  return new ActionError(
    appName === undefined ? `${scope} has a deployment group for ${target}` : `${scope} deploys ${target}`,
    {
      where: { file: options.configFile },
      hint:
        'create the application and deployment group for this service (see the blue/green section of the README), ' +
        `or name them in the config:\n${configSnippet('<application>', '<deployment group>')}`
    }
  )
}

function severalGroups(
  options: FindGroupOptions,
  found: readonly { app: string; group: DeploymentGroupInfo }[]
): ActionError {
  const list = found.map(f => `${f.app}/${f.group.deploymentGroupName ?? ''}`).join(', ')
  const first = found[0]!
  return new ActionError(
    `${found.length} CodeDeploy deployment groups deploy service ${nameOf(options.service)} on cluster ${nameOf(options.cluster)}: ${list}`,
    {
      where: { file: options.configFile },
      hint: `name the one to use in the config, e.g.\n${configSnippet(first.app, first.group.deploymentGroupName ?? '')}`
    }
  )
}
