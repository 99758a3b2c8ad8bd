import { ECSClient, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs'
import { CodeDeployClient } from '@aws-sdk/client-codedeploy'
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import type { Emulator } from '../../test/emulator/index.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }

export function clients(emulator: Emulator, maxAttempts = 3) {
  const config = { endpoint: emulator.endpoint, region: emulator.region, credentials, maxAttempts }
  return {
    ecs: new ECSClient(config),
    codedeploy: new CodeDeployClient(config),
    autoscaling: new ApplicationAutoScalingClient(config)
  }
}

export const webTaskDefinition = (image = 'nginx:1.27'): RegisterTaskDefinitionCommandInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 80 }] }]
})

export const network: {
  awsvpcConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: 'DISABLED' }
} = {
  awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
}
