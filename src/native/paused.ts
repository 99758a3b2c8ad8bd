/**
 * Finding the ECS-native deployment `command: promote` and `command: rollback` act on: the one named by
 * `service-deployment-arn` (the deploy job's output), else the service's deployment in progress. Read-only;
 * every bad state is one clear error before any write.
 */
import {
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { Input } from '../contract.js'
import { ActionError } from '../errors.js'
import { awaitingPause } from './watch.js'

export interface InProgress {
  readonly serviceDeployment: ServiceDeployment
  readonly arn: string
  /** The PAUSE hook that waits, if one does. */
  readonly hookId: string | undefined
}

/** The deployment in progress (named, or the newest), or undefined when none is. */
export async function deploymentInProgress(
  ecs: ECSClient,
  cluster: string,
  service: Service,
  named: string | undefined
): Promise<InProgress | undefined> {
  let arn = named
  if (arn === undefined) {
    const listed = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster, service: service.serviceName, status: ['IN_PROGRESS'] })
    )
    arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn
    if (arn === undefined) return undefined
  }
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))
  const sd = out.serviceDeployments?.[0]
  if (sd === undefined) {
    throw new ActionError(`service deployment ${arn} was not found`, {
      where: { input: Input.ServiceDeploymentArn },
      hint: "pass the deploy job's service-deployment-arn output, or leave it empty to use the service's deployment in progress"
    })
  }
  if (named !== undefined && sd.serviceArn !== undefined && sd.serviceArn !== service.serviceArn) {
    throw new ActionError(
      `service deployment ${arn} belongs to ${sd.serviceArn}, not to ${service.serviceArn ?? service.serviceName ?? '?'}`,
      {
        where: { input: Input.ServiceDeploymentArn },
        hint: 'check cluster and service in the config against the deploy job'
      }
    )
  }
  if (named !== undefined && sd.status !== 'IN_PROGRESS') return undefined
  return { serviceDeployment: sd, arn, hookId: awaitingPause(sd) }
}

/** The paused deployment promote needs; an ActionError naming the state otherwise. */
export async function pausedDeployment(
  ecs: ECSClient,
  cluster: string,
  service: Service,
  named: string | undefined,
  verb: string
): Promise<InProgress & { readonly hookId: string }> {
  const found = await deploymentInProgress(ecs, cluster, service, named)
  if (found === undefined) {
    const which =
      named === undefined
        ? `no service deployment of ${service.serviceName ?? '?'} is in progress`
        : `service deployment ${named} is not in progress`
    throw new ActionError(`${which}: there is nothing to ${verb}`, {
      where: named === undefined ? {} : { input: Input.ServiceDeploymentArn },
      hint: 'a deploy with wait-until: paused leaves the deployment waiting at its PAUSE hook; it may have been continued, rolled back, timed out or superseded since'
    })
  }
  if (found.hookId === undefined) {
    const sd = found.serviceDeployment
    throw new ActionError(
      `service deployment ${found.arn} is ${sd.status ?? '?'} at ${sd.lifecycleStage ?? '?'} and no PAUSE hook waits for an answer: there is nothing to ${verb}`,
      {
        hint: 'promote continues a deployment that waits at a PAUSE lifecycle hook (AWAITING_ACTION); run it after the deploy job ended with status paused'
      }
    )
  }
  return { ...found, hookId: found.hookId }
}
