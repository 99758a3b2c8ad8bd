/** Application Auto Scaling: scalable targets, enough for the deploy's desired-count logic. */
import type { Operation } from './ecs-api.js'
import { AwsError, asNumber, asObject, asString, asStringArray, clone, type Json } from './util.js'
import type { World } from './world.js'

export interface ScalableTarget {
  ServiceNamespace: string
  ResourceId: string
  ScalableDimension: string
  MinCapacity: number
  MaxCapacity: number
  RoleARN: string
  CreationTime: number
  SuspendedState: Json
  ScalableTargetARN: string
}

export class AutoScaling {
  readonly targets = new Map<string, ScalableTarget>()

  constructor(readonly world: World) {}

  register(params: Json): ScalableTarget {
    const ns = asString(params.ServiceNamespace, 'ServiceNamespace', true)
    const resourceId = asString(params.ResourceId, 'ResourceId', true)
    const dimension = asString(params.ScalableDimension, 'ScalableDimension', true)
    const key = `${ns}|${resourceId}|${dimension}`
    const existing = this.targets.get(key)
    const min = asNumber(params.MinCapacity, 'MinCapacity') ?? existing?.MinCapacity
    const max = asNumber(params.MaxCapacity, 'MaxCapacity') ?? existing?.MaxCapacity
    if (min === undefined || max === undefined)
      throw new AwsError(
        'ValidationException',
        'MinCapacity and MaxCapacity are required to register a new scalable target.'
      )
    if (min > max)
      throw new AwsError('ValidationException', 'Minimum capacity cannot be greater than maximum capacity')
    const target: ScalableTarget = {
      ServiceNamespace: ns,
      ResourceId: resourceId,
      ScalableDimension: dimension,
      MinCapacity: min,
      MaxCapacity: max,
      RoleARN:
        asString(params.RoleARN, 'RoleARN') ??
        existing?.RoleARN ??
        `arn:aws:iam::${this.world.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      CreationTime: existing?.CreationTime ?? this.world.now(),
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
        ...(existing?.SuspendedState ?? {}),
        ...(asObject(params.SuspendedState, 'SuspendedState') ?? {})
      },
      ScalableTargetARN:
        existing?.ScalableTargetARN ??
        this.world.arn(
          'application-autoscaling',
          `scalable-target/${this.world.rng.alnumUpper(4).toLowerCase()}${this.world.rng.hex(28)}`
        )
    }
    this.targets.set(key, target)
    return target
  }

  operations(): Record<string, Operation> {
    return {
      RegisterScalableTarget: p => ({ ScalableTargetARN: this.register(p).ScalableTargetARN }),
      DeregisterScalableTarget: p => {
        const key = `${String(p.ServiceNamespace)}|${String(p.ResourceId)}|${String(p.ScalableDimension)}`
        if (!this.targets.delete(key))
          throw new AwsError('ObjectNotFoundException', 'No scalable target registered for service namespace')
        return {}
      },
      DescribeScalableTargets: p => {
        const ns = asString(p.ServiceNamespace, 'ServiceNamespace', true)
        const ids = asStringArray(p.ResourceIds, 'ResourceIds')
        const dimension = asString(p.ScalableDimension, 'ScalableDimension')
        const ScalableTargets = [...this.targets.values()]
          .filter(t => t.ServiceNamespace === ns)
          .filter(t => ids.length === 0 || ids.includes(t.ResourceId))
          .filter(t => dimension === undefined || t.ScalableDimension === dimension)
          .map(t => ({ ...clone(t), CreationTime: t.CreationTime / 1000 }))
        return { ScalableTargets }
      }
    }
  }
}
