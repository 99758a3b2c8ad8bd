/** AWS CodeDeploy for ECS blue/green (work in progress: applications and groups first). */
import type { Ecs } from './ecs.js'
import type { Operation } from './ecs-api.js'
import type { Json } from './util.js'
import type { World } from './world.js'

export interface CodeDeploySeed {
  createApplication(name: string): void
  createDeploymentGroup(params: Json): void
}

export class CodeDeploy {
  readonly applications = new Map<string, { name: string; id: string; createTime: number }>()

  constructor(
    readonly world: World,
    readonly ecs: Ecs
  ) {}

  step(_time: number): void {}

  operations(): Record<string, Operation> {
    return {}
  }

  seed(): CodeDeploySeed {
    return {
      createApplication: name => {
        this.applications.set(name, { name, id: this.world.rng.uuid(), createTime: this.world.now() })
      },
      createDeploymentGroup: () => {
        throw new Error('CodeDeploy deployment groups are not emulated yet')
      }
    }
  }
}
