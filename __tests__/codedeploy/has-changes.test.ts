// A blue/green deploy through runDeploy sets has-changes: true when it registers a new revision, false when
// the rendered task definition equals the live one and that revision is reused (nothing registered).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { runDeploy } from '../../src/commands/deploy.js'
import { blueGreenWorld, context, taskDefinition, writeProject, type World } from './harness.js'

let world: World

beforeEach(async () => {
  jest.replaceProperty(process, 'env', {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret'
  })
  world = await blueGreenWorld()
})

afterEach(async () => {
  jest.restoreAllMocks()
  await world.emulator.close()
})

describe('blue/green deploy: has-changes', () => {
  it('true with a new image: a new revision is registered', async () => {
    const project = await writeProject()
    const result = await runDeploy(context(world).ctx, project)
    expect(result.outputs['has-changes']).toBe('true')
    expect(world.emulator.calls('RegisterTaskDefinition')).toHaveLength(1)
  })

  it('false when the rendered task definition is the live one: reused, nothing registered', async () => {
    const project = await writeProject({
      files: { 'ecs-task-def.json': JSON.stringify(taskDefinition('web:1.0')) }
    })
    const result = await runDeploy(context(world).ctx, project)
    expect(result.outputs['has-changes']).toBe('false')
    expect(result.status).toBe('succeeded')
    expect(world.emulator.calls('RegisterTaskDefinition')).toHaveLength(0)
  })
})
