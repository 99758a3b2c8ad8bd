import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { S3Client } from '@aws-sdk/client-s3'
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { SSMClient } from '@aws-sdk/client-ssm'

/**
 * The AWS clients a command may need, each created on first use: a command imports only the SDK packages
 * it calls (start-up time and memory), and tests hand in clients pointed at the emulator or moto.
 */
export interface AwsClients {
  readonly region: string
  ecs(): Promise<ECSClient>
  codedeploy(): Promise<CodeDeployClient>
  autoScaling(): Promise<ApplicationAutoScalingClient>
  ssm(): Promise<SSMClient>
  secretsManager(): Promise<SecretsManagerClient>
  cloudFormation(): Promise<CloudFormationClient>
  s3(): Promise<S3Client>
}

export interface ClientOptions {
  readonly region: string
  /** Overrides every service's endpoint (tests); otherwise the SDK reads `AWS_ENDPOINT_URL[_SERVICE]`. */
  readonly endpoint?: string | undefined
  readonly maxAttempts?: number | undefined
}

const USER_AGENT: [string, string] = ['ecs-deploy-action', '1']

export function createAwsClients(options: ClientOptions): AwsClients {
  const config = {
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // Adaptive retry backs off on throttling (RegisterTaskDefinition allows 1/s sustained) and 5xx.
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    customUserAgent: [USER_AGENT]
  }
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined
    return () => (made ??= make())
  }
  return {
    region: options.region,
    ecs: once(async () => new (await import('@aws-sdk/client-ecs')).ECSClient(config)),
    codedeploy: once(async () => new (await import('@aws-sdk/client-codedeploy')).CodeDeployClient(config)),
    autoScaling: once(
      async () =>
        new (await import('@aws-sdk/client-application-auto-scaling')).ApplicationAutoScalingClient(config)
    ),
    ssm: once(async () => new (await import('@aws-sdk/client-ssm')).SSMClient(config)),
    secretsManager: once(
      async () => new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(config)
    ),
    cloudFormation: once(
      async () => new (await import('@aws-sdk/client-cloudformation')).CloudFormationClient(config)
    ),
    s3: once(
      async () => new (await import('@aws-sdk/client-s3')).S3Client({ ...config, forcePathStyle: true })
    )
  }
}
