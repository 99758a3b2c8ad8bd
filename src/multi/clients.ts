/**
 * The AWS clients of a step that deploys several services: one set per region for all of them (main caches
 * them), every ECS and CodeDeploy request within the step's rate budget and every ECS DescribeServices through
 * the batcher; and per service a view of them whose first write waits at the gate. The deploy code sends its
 * commands as it always does.
 */
import type { AwsClients } from '../aws/clients.js'
import { DescribeServicesBatcher } from '../aws/describe-batch.js'
import type { RateBudget } from '../aws/rate-budget.js'

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName?: string }
) => (args: unknown) => Promise<unknown>

interface SdkCommand {
  readonly input: unknown
  readonly middlewareStack: {
    add(middleware: Middleware, options: { step: string; priority: string; name: string }): void
    identify(): string[]
  }
}

type Send = (command: SdkCommand, options?: unknown) => Promise<unknown>

/** The SDK clients AwsClients makes (ec2() is a small reader of its own, with reads only). */
const SDK_CLIENTS = [
  'ecs',
  'codedeploy',
  'autoScaling',
  'ssm',
  'secretsManager',
  'cloudFormation',
  's3',
  'ecr',
  'iam',
  'logs',
  'elbv2'
] as const

/** Describe/List/Get/BatchGet/Filter calls cannot change anything; everything else may. */
export function isWrite(operation: string): boolean {
  return !/^(Describe|List|Get|BatchGet|Filter|Simulate)/.test(operation)
}

const operationOf = (context: { commandName?: string }): string =>
  (context.commandName ?? '').replace(/Command$/, '')

/** `client` with `send` replaced; everything else is the client's own. */
function withSend<C extends object>(client: C, send: (original: Send) => Send): C {
  const original = (client as unknown as { send: Send }).send.bind(client)
  const replaced = send(original)
  return new Proxy(client, {
    get(target, property) {
      if (property === 'send') return replaced
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
}

function addOnce(command: SdkCommand, name: string, step: string, priority: string, middleware: Middleware) {
  if (command.middlewareStack.identify().some(entry => entry.startsWith(name))) return
  command.middlewareStack.add(middleware, { step, priority, name })
}

const lazy = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined
  return () => (made ??= make())
}

/** A region's clients for the whole step: budgeted, DescribeServices batched. */
export function sharedClients(
  clients: AwsClients,
  budget: RateBudget
): AwsClients & { batcher(): DescribeServicesBatcher | undefined } {
  let batcher: DescribeServicesBatcher | undefined
  const budgeted =
    (service: string) =>
    (original: Send): Send =>
    (command, options) => {
      // Inside the SDK's retry loop: every attempt, retries included, spends a token.
      addOnce(command, 'multiRateBudget', 'finalizeRequest', 'low', (next, context) => async args => {
        const bucket = budget.bucket(service, operationOf(context))
        await bucket.take()
        try {
          return await next(args)
        } finally {
          bucket.answered()
        }
      })
      return original(command, options)
    }
  const out = { ...clients } as AwsClients & { batcher(): DescribeServicesBatcher | undefined }
  const ecs = lazy(async () => {
    const { DescribeServicesCommand } = await import('@aws-sdk/client-ecs')
    return withSend(await clients.ecs(), original => {
      const send = budgeted('ecs')(original)
      batcher = new DescribeServicesBatcher(
        input => send(new DescribeServicesCommand(input) as unknown as SdkCommand) as never
      )
      return (command, options) => {
        if (!(command instanceof DescribeServicesCommand)) return send(command, options)
        const signal = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal
        return batcher!.describe(command.input, signal)
      }
    })
  })
  const codedeploy = lazy(async () => withSend(await clients.codedeploy(), budgeted('codedeploy')))
  Object.assign(out, { ecs, codedeploy, batcher: () => batcher })
  return out
}

/** One service's view of the step's clients: its first write waits at the gate. */
export function gatedClients(clients: AwsClients, beforeWrite: () => Promise<void>): AwsClients {
  const gated: Record<string, unknown> = { ...clients }
  for (const key of SDK_CLIENTS) {
    gated[key] = lazy(async () =>
      withSend(await clients[key](), original => (command, options) => {
        addOnce(command, 'multiGate', 'initialize', 'high', (next, context) => async args => {
          if (isWrite(operationOf(context))) await beforeWrite()
          return next(args)
        })
        return original(command, options)
      })
    )
  }
  return gated as unknown as AwsClients
}
