import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy'
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { ECRClient } from '@aws-sdk/client-ecr'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { IAMClient } from '@aws-sdk/client-iam'
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
  ecr(): Promise<ECRClient>
  iam(): Promise<IAMClient>
  logs(): Promise<CloudWatchLogsClient>
  elbv2(): Promise<ElasticLoadBalancingV2Client>
  ec2(): Promise<EC2Client>
}

export interface ClientOptions {
  readonly region: string
  /** Overrides every service's endpoint (tests); otherwise the SDK reads `AWS_ENDPOINT_URL[_SERVICE]`. */
  readonly endpoint?: string | undefined
  readonly maxAttempts?: number | undefined
}

const USER_AGENT: [string, string] = ['ecs-deploy-action', '1']

/** The first retry's ceiling; each retry doubles it, up to MAX_RETRY_DELAY_MS. */
export const RETRY_DELAY_BASE_MS = 250
export const MAX_RETRY_DELAY_MS = 20_000

/**
 * How long to wait before retry `attempt` (1 for the first): exponential with "equal jitter", so every
 * wait is at least half its ceiling (a throttled caller always backs off) and callers spread out.
 * Two throttled attempts cost 0.375–0.75 s; eight attempts wait 16–32 s in all.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, RETRY_DELAY_BASE_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Retries of a request whose host name did not resolve. A wrong region or endpoint never resolves, and
 * eight attempts made a first run wait 25 s for its one-line error; a resolver hiccup passes within two.
 */
export const DNS_RETRIES = 2

/** Is this a failure to resolve the endpoint's host name (not a throttle or a 5xx)? */
export function isDnsFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN'
}

async function retryStrategy(maxAttempts: number) {
  const { ConfiguredRetryStrategy } = await import('@smithy/core/retry')
  class Strategy extends ConfiguredRetryStrategy {
    override async refreshRetryTokenForRetry(
      ...[token, errorInfo]: Parameters<
        InstanceType<typeof ConfiguredRetryStrategy>['refreshRetryTokenForRetry']
      >
    ) {
      // Refusing the token makes the SDK throw the request's own error.
      if (isDnsFailure(errorInfo.error) && token.getRetryCount() >= DNS_RETRIES)
        throw new Error('host name does not resolve')
      return super.refreshRetryTokenForRetry(token, errorInfo)
    }
  }
  return new Strategy(maxAttempts, attempt => retryDelayMs(attempt))
}

export function createAwsClients(options: ClientOptions): AwsClients {
  const maxAttempts = options.maxAttempts ?? 8
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined
    return () => (made ??= make())
  }
  // Made on first use, like the clients: a render loads no SDK code.
  const config = once(async () => ({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // Standard retries (throttling, 5xx, network; retry quota and Retry-After kept) with our own backoff.
    // Not 'adaptive': its client-side rate limiter starts at 0.5 requests/s after the first throttle when a
    // short-lived client has measured no sending rate yet, so each retry waited 2 s and every later call on
    // the client (the watch's polls included) crawled; nor the SDK's default throttling backoff, whose
    // random wait of up to 1 s, then 2 s, made two throttled registrations cost up to 3 s.
    retryStrategy: await retryStrategy(maxAttempts),
    maxAttempts,
    customUserAgent: [USER_AGENT]
  }))
  return {
    region: options.region,
    ecs: once(async () => new (await import('@aws-sdk/client-ecs')).ECSClient(await config())),
    codedeploy: once(
      async () => new (await import('@aws-sdk/client-codedeploy')).CodeDeployClient(await config())
    ),
    autoScaling: once(
      async () =>
        new (await import('@aws-sdk/client-application-auto-scaling')).ApplicationAutoScalingClient(
          await config()
        )
    ),
    ssm: once(async () => new (await import('@aws-sdk/client-ssm')).SSMClient(await config())),
    secretsManager: once(
      async () => new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(await config())
    ),
    cloudFormation: once(
      async () => new (await import('@aws-sdk/client-cloudformation')).CloudFormationClient(await config())
    ),
    s3: once(
      async () =>
        new (await import('@aws-sdk/client-s3')).S3Client({ ...(await config()), forcePathStyle: true })
    ),
    ecr: once(async () => new (await import('@aws-sdk/client-ecr')).ECRClient(await config())),
    iam: once(async () => new (await import('@aws-sdk/client-iam')).IAMClient(await config())),
    logs: once(
      async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(await config())
    ),
    elbv2: once(
      async () =>
        new (await import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client(
          await config()
        )
    ),
    ec2: once(async () => new (await import('@aws-sdk/client-ec2')).EC2Client(await config()))
  }
}
