import { ActionError } from '../errors.js'
import { CREDENTIALS_HINT, knownFailure } from './error-kinds.js'

/** What people need to know about a failed AWS call. */
export interface AwsErrorInfo {
  readonly operation: string | undefined
  readonly service: string | undefined
  readonly code: string
  readonly message: string
  readonly httpStatus: number | undefined
  readonly requestId: string | undefined
  readonly hint: string | undefined
}

interface SdkErrorShape {
  name?: unknown
  message?: unknown
  $metadata?: { httpStatusCode?: number; requestId?: string }
  $fault?: unknown
  $operation?: unknown
  $service?: unknown
}

const OPERATION_KEY = '$operation'
const SERVICE_KEY = '$service'

/** True for errors thrown by an AWS SDK client (they carry `$metadata`). */
export function isAwsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error && error instanceof Error
}

/** IAM prefixes of the SDK clients we use, by the client's service id. */
const IAM_PREFIX: Record<string, string> = {
  ECS: 'ecs',
  'Application Auto Scaling': 'application-autoscaling',
  CodeDeploy: 'codedeploy',
  SSM: 'ssm',
  'Secrets Manager': 'secretsmanager',
  CloudFormation: 'cloudformation',
  S3: 's3',
  'Elastic Load Balancing v2': 'elasticloadbalancing',
  ECR: 'ecr',
  IAM: 'iam',
  'CloudWatch Logs': 'logs',
  EC2: 'ec2'
}

const POLICY_POINTER = "see the IAM policy in the README's deploy section"

/** The facts of an SDK error, with a hint for the common causes. */
export function explainAwsError(error: unknown): AwsErrorInfo {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape
  const code = typeof e.name === 'string' ? e.name : 'Error'
  const message = typeof e.message === 'string' ? e.message : String(error)
  const operation = typeof e.$operation === 'string' ? e.$operation : undefined
  const service = typeof e.$service === 'string' ? e.$service : undefined
  const known = knownFailure(error)
  return {
    operation,
    service,
    code: known === undefined ? code : known.kind === 'network' ? 'NetworkError' : 'CredentialsError',
    message: known?.message ?? message,
    httpStatus: e.$metadata?.httpStatusCode,
    requestId: e.$metadata?.requestId,
    hint: known?.hint ?? hintFor(code, message, operation, service)
  }
}

function hintFor(
  code: string,
  message: string,
  operation: string | undefined,
  service: string | undefined
): string | undefined {
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(code)) {
    const action =
      operation === undefined ? undefined : `${IAM_PREFIX[service ?? 'ECS'] ?? 'ecs'}:${operation}`
    if (/iam:PassRole/i.test(message)) {
      return `allow iam:PassRole on the task and execution roles (condition iam:PassedToService: ecs-tasks.amazonaws.com); ${POLICY_POINTER}`
    }
    return action === undefined
      ? `the deploy role lacks a permission; ${POLICY_POINTER}`
      : `the deploy role needs ${action}; ${POLICY_POINTER}`
  }
  if (/ExpiredToken|InvalidClientTokenId|UnrecognizedClient|CredentialsProviderError/i.test(code)) {
    return `the AWS credentials are missing or expired: ${CREDENTIALS_HINT}`
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(code)) {
    return 'AWS kept throttling after retries: another process may be calling the same API heavily; try again later'
  }
  if (code === 'ServiceNotActiveException')
    return 'the service is not ACTIVE (being deleted?); recreate it or fix the name'
  if (code === 'PlatformUnknownException' || code === 'PlatformTaskDefinitionIncompatibilityException') {
    return 'check platformVersion and the task definition requirements (FARGATE needs awsvpc, cpu and memory)'
  }
  if (code === 'InvalidParameterException' || code === 'ClientException') {
    return 'AWS rejected a value from the definition files; the message names it'
  }
  return undefined
}

/** One ActionError for an SDK error: operation, code and message, and the hint. */
export function awsActionError(error: unknown): ActionError {
  const info = explainAwsError(error)
  const op = info.operation === undefined ? '' : `${info.operation}: `
  // A credentials or network failure says what it is in its message; its code would only repeat it.
  const text = knownFailure(error) === undefined ? `${info.code}: ${info.message}` : info.message
  return new ActionError(`${op}${text}`, { hint: info.hint, cause: error })
}

/** The subset of an SDK client this touches. */
interface AnnotatableClient {
  middlewareStack: {
    identify(): string[]
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string; clientName?: string }
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority: 'high' }
    ): void
  }
  config?: { serviceId?: string }
}

const ANNOTATE = 'ecsDeployActionAnnotateErrors'

/**
 * Makes every error a client throws carry its operation (`UpdateService`) and service, so reports can name
 * the IAM action that was missing. Safe to call more than once.
 */
export function annotateErrors<C>(client: C): C {
  const c = client as unknown as AnnotatableClient
  if (c.middlewareStack.identify().some(entry => entry.startsWith(ANNOTATE))) return client
  const serviceId = c.config?.serviceId
  c.middlewareStack.add(
    (next, context) => async args => {
      try {
        return await next(args)
      } catch (error) {
        if (typeof error === 'object' && error !== null) {
          const target = error as Record<string, unknown>
          const command = context.commandName?.replace(/Command$/, '')
          if (target[OPERATION_KEY] === undefined && command !== undefined) target[OPERATION_KEY] = command
          if (target[SERVICE_KEY] === undefined && serviceId !== undefined) target[SERVICE_KEY] = serviceId
        }
        throw error
      }
    },
    { step: 'initialize', name: ANNOTATE, priority: 'high' }
  )
  return client
}
