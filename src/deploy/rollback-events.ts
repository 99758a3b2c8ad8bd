import type { RollbackEvent } from '../contract.js'

/** The deployment controllers a deploy can drive. */
export type Controller = 'rolling' | 'codedeploy' | 'native'

/**
 * What each `rollback-events` value does on each controller (README's table says the same); undefined: it
 * does nothing there, and the deploy warns.
 */
export const ROLLBACK_EVENT_EFFECTS: Readonly<
  Record<Controller, Readonly<Record<RollbackEvent, string | undefined>>>
> = {
  rolling: {
    DEPLOYMENT_FAILURE:
      'when the deployment fails, times out or cannot be followed, UpdateService back to the previous revision, followed to its end',
    DEPLOYMENT_STOP_ON_ALARM: undefined,
    DEPLOYMENT_STOP_ON_REQUEST:
      'when the step is cancelled (SIGINT, SIGTERM), UpdateService back to the previous revision before exiting'
  },
  codedeploy: {
    DEPLOYMENT_FAILURE:
      "CreateDeployment's autoRollbackConfiguration: CodeDeploy rolls back a failed deployment",
    DEPLOYMENT_STOP_ON_ALARM:
      "CreateDeployment's autoRollbackConfiguration: CodeDeploy rolls back when a deployment group alarm stops it",
    DEPLOYMENT_STOP_ON_REQUEST:
      'on timeout or cancellation, StopDeployment with autoRollbackEnabled; also in autoRollbackConfiguration'
  },
  native: {
    DEPLOYMENT_FAILURE:
      'on timeout or an error after the update, StopServiceDeployment ROLLBACK of this step’s deployment, followed to its end (a failed hook is rolled back by ECS itself, and followed)',
    DEPLOYMENT_STOP_ON_ALARM: undefined,
    DEPLOYMENT_STOP_ON_REQUEST:
      'when the step is cancelled (SIGINT, SIGTERM), also while paused: StopServiceDeployment ROLLBACK of this step’s deployment before exiting'
  }
}

const WHY_NOT: Readonly<Record<Controller, Partial<Record<RollbackEvent, string>>>> = {
  rolling: {
    DEPLOYMENT_STOP_ON_ALARM:
      'a rolling deployment stops on alarms through the service definition: set deploymentConfiguration.alarms with rollback: true'
  },
  codedeploy: {},
  native: {
    DEPLOYMENT_STOP_ON_ALARM:
      'an ECS-native deployment stops on alarms through the service definition: set deploymentConfiguration.alarms with rollback: true'
  }
}

const CONTROLLER_NAME: Readonly<Record<Controller, string>> = {
  rolling: 'a rolling (ECS controller)',
  codedeploy: 'a CodeDeploy',
  native: 'an ECS-native blue/green, linear or canary'
}

/** Warnings for the requested values that do nothing on this controller. */
export function ineffectiveRollbackEvents(
  controller: Controller,
  events: readonly RollbackEvent[]
): string[] {
  return events
    .filter(e => ROLLBACK_EVENT_EFFECTS[controller][e] === undefined)
    .map(
      e =>
        `rollback-events: ${e} does nothing for ${CONTROLLER_NAME[controller]} deployment${WHY_NOT[controller][e] ? `; ${WHY_NOT[controller][e]}` : ''}`
    )
}
