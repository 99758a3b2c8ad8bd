/* eslint-disable @typescript-eslint/no-explicit-any -- definitions are loose JSON in tests */
/**
 * The AWS stand-ins the dry run is tested against, behind one face: seed a cluster, a task definition and a
 * service, then read which operations the code under test called.
 */
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand
} from '@aws-sdk/client-ecs'
import {
  ApplicationAutoScalingClient,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import { startEmulator } from '../../test/emulator/index.js'

function scalableTarget(cluster: string, service: string, min: number, max: number) {
  return {
    ServiceNamespace: 'ecs',
    ResourceId: `service/${cluster}/${service}`,
    ScalableDimension: 'ecs:service:DesiredCount',
    MinCapacity: min,
    MaxCapacity: max
  }
}

export interface Backend {
  readonly name: string
  readonly endpoint: string
  /** Three subnets and a security group the backend accepts in a network configuration. */
  readonly network: { readonly subnets: readonly [string, string, string]; readonly securityGroup: string }
  createCluster(name: string): Promise<void>
  /** Registers a task definition; returns its ARN. */
  registerTaskDefinition(td: any): Promise<string>
  createService(params: any): Promise<void>
  /** An Application Auto Scaling target on a service's desired count. */
  scaleService(cluster: string, service: string, min: number, max: number): Promise<void>
  /** ECS operations called since the last `clearLog`, e.g. `DescribeServices`. */
  operations(): string[]
  clearLog(): void
  close(): Promise<void>
}

const WRITE = /^(Create|Register|Update|Delete|Deregister|Put|Tag|Untag|Run|Start|Stop|Submit)/

export function writesOf(operations: readonly string[]): string[] {
  return operations.filter(op => WRITE.test(op))
}

export async function emulatorBackend(): Promise<Backend> {
  const emulator = await startEmulator({ clock: { mode: 'virtual' } })
  return {
    name: 'emulator',
    endpoint: emulator.endpoint,
    network: { subnets: ['subnet-0a', 'subnet-0b', 'subnet-0c'], securityGroup: 'sg-0app' },
    createCluster: name => Promise.resolve(void emulator.createCluster(name)),
    registerTaskDefinition: td => Promise.resolve(emulator.seedTaskDefinition(td)),
    createService: params => Promise.resolve(void emulator.seedService(params)),
    scaleService: (cluster, service, min, max) =>
      Promise.resolve(
        emulator.autoscaling.registerScalableTarget(scalableTarget(cluster, service, min, max))
      ),
    operations: () => emulator.requests.filter(r => r.service === 'ecs').map(r => r.operation),
    clearLog: () => emulator.clearLog(),
    close: () => emulator.close()
  }
}

/**
 * moto behind a small logging proxy (moto keeps no request log of its own), so a test can still check that
 * the dry run wrote nothing.
 */
export async function motoBackend(motoEndpoint: string, close: () => Promise<void>): Promise<Backend> {
  const log: string[] = []
  const target = new URL(motoEndpoint)
  const proxy = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1]
    if (operation) log.push(operation)
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', error => {
      res.writeHead(502)
      res.end(String(error))
    })
    req.pipe(upstream)
  })
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  const ecs = new ECSClient({ region: 'us-east-1', endpoint: motoEndpoint, maxAttempts: 1 })
  // moto checks subnets against its EC2 model: use its default VPC's.
  const subnets = (await ec2Query(motoEndpoint, 'DescribeSubnets', 'subnetId')).sort()
  const groups = await ec2Query(motoEndpoint, 'DescribeSecurityGroups', 'groupId')
  if (subnets.length < 3 || groups.length < 1) throw new Error('moto has no default VPC to use')
  return {
    name: 'moto',
    endpoint,
    network: { subnets: [subnets[0]!, subnets[1]!, subnets[2]!], securityGroup: groups[0]! },
    createCluster: async name => void (await ecs.send(new CreateClusterCommand({ clusterName: name }))),
    registerTaskDefinition: async td => {
      const out = await ecs.send(new RegisterTaskDefinitionCommand(td))
      return out.taskDefinition!.taskDefinitionArn!
    },
    createService: async params => void (await ecs.send(new CreateServiceCommand(params))),
    scaleService: async (cluster, service, min, max) => {
      const scaling = new ApplicationAutoScalingClient({
        region: 'us-east-1',
        endpoint: motoEndpoint,
        maxAttempts: 1
      })
      await scaling.send(new RegisterScalableTargetCommand(scalableTarget(cluster, service, min, max) as any))
      scaling.destroy()
    },
    operations: () => [...log],
    clearLog: () => void (log.length = 0),
    close: async () => {
      ecs.destroy()
      proxy.closeAllConnections()
      await new Promise<void>(resolve => proxy.close(() => resolve()))
      await close()
    }
  }
}

/** One EC2 query-API call to moto (unsigned; moto doesn't check), returning every `<tag>` value. */
async function ec2Query(endpoint: string, action: string, tag: string): Promise<string[]> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0'
    },
    body: `Action=${action}&Version=2016-11-15`
  })
  const xml = await res.text()
  return [...new Set([...xml.matchAll(new RegExp(`<${tag}>([^<]+)</${tag}>`, 'g'))].map(m => m[1]!))]
}
