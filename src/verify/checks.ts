/**
 * `command: verify`: read-only checks that what the definitions refer to exists, as ecspresso's verify, but
 * with no write (ecspresso creates a log stream). Each check names the IAM action it needs; a denied call
 * is a warning ("not checked"), not a failure. Returns data; report/verify.ts formats it.
 */
import type { AwsClients } from '../aws/clients.js'
import { explainAwsError } from '../report/aws-errors.js'
import { isMutableTag, parseImage, type ImageReference } from './image.js'
import { collectReferences, type References, type SecretUse } from './references.js'
import { headManifest, type Fetch } from './registry.js'
import type { Project } from '../project.js'

export type CheckResult = 'ok' | 'failed' | 'not-checked'

export interface Check {
  /** What kind of thing: `image`, `task role`, `secret`, … */
  readonly kind: string
  /** The thing itself (an image, an ARN, a name). */
  readonly subject: string
  /** Where the definitions name it. */
  readonly where: string
  readonly result: CheckResult
  /** Why it failed or was not checked, or what it resolved to (an ECR tag's digest). */
  readonly detail: string
  /** The IAM action the check calls (undefined: no AWS call). */
  readonly action: string | undefined
}

export interface VerifyResult {
  readonly cluster: string
  readonly service: string | undefined
  readonly checks: readonly Check[]
}

export interface VerifyOptions {
  /** AWS clients per region (an ECR image or a log group may live in another region). */
  readonly clients: (region: string) => AwsClients
  readonly region: string
  readonly fetch?: Fetch | undefined
  readonly signal?: AbortSignal | undefined
}

export const failedChecks = (result: VerifyResult): Check[] =>
  result.checks.filter(c => c.result === 'failed')

export async function verifyProject(project: Project, options: VerifyOptions): Promise<VerifyResult> {
  const refs = collectReferences(project)
  const groups = await Promise.all([
    checkCluster(refs, options),
    ...refs.images.map(use => checkImage(use.container, use.image, options)),
    ...refs.roles.map(use => checkRole(use.kind, use.role, options)),
    checkSecrets(refs.secrets, options),
    ...refs.logGroups.map(use => checkLogGroup(use, options)),
    ...refs.targetGroups.map(use => checkTargetGroup(use, refs, options)),
    checkNetwork(refs, options)
  ])
  return { cluster: refs.cluster, service: project.config.service, checks: groups.flat() }
}

type CheckBase = Omit<Check, 'result' | 'detail'>

const ok = (base: CheckBase, detail = ''): Check => ({ ...base, result: 'ok', detail })
const failed = (base: CheckBase, detail: string): Check => ({ ...base, result: 'failed', detail })

/** An error from the check's own call: denied → not checked; anything else fails the check. */
function fromError(base: CheckBase, error: unknown): Check {
  const info = explainAwsError(error)
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized/i.test(info.code))
    return { ...base, result: 'not-checked', detail: `${base.action ?? 'the call'} was denied` }
  return failed(base, `${info.code}: ${info.message}`)
}

/** The SDK's per-call options: the step's cancellation, when there is one. */
function sendOptions(options: VerifyOptions): { abortSignal?: AbortSignal } {
  return options.signal === undefined ? {} : { abortSignal: options.signal }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : ''
}

async function checkCluster(refs: References, options: VerifyOptions): Promise<Check[]> {
  const base = { kind: 'cluster', subject: refs.cluster, where: 'config', action: 'ecs:DescribeClusters' }
  const { DescribeClustersCommand } = await import('@aws-sdk/client-ecs')
  try {
    const ecs = await options.clients(options.region).ecs()
    const out = await ecs.send(
      new DescribeClustersCommand({ clusters: [refs.cluster] }),
      sendOptions(options)
    )
    const cluster = out.clusters?.find(c => c.status === 'ACTIVE')
    if (cluster === undefined)
      return [failed(base, `cluster ${refs.cluster} does not exist in ${options.region} (or is not ACTIVE)`)]
    const have = cluster.capacityProviders ?? []
    const checks = [ok(base, `${cluster.status}`)]
    for (const provider of refs.capacityProviders) {
      const cp = {
        ...base,
        kind: 'capacity provider',
        subject: provider,
        where: 'service capacityProviderStrategy'
      }
      checks.push(
        have.includes(provider)
          ? ok(cp)
          : failed(
              cp,
              `cluster ${refs.cluster} has no capacity provider ${provider} (it has: ${have.join(', ') || 'none'})`
            )
      )
    }
    return checks
  } catch (error) {
    return [fromError(base, error)]
  }
}

async function checkImage(container: string, text: string, options: VerifyOptions): Promise<Check[]> {
  const image = parseImage(text)
  const base = {
    kind: 'image',
    subject: text,
    where: `container ${container}`,
    action: image?.ecr ? 'ecr:DescribeImages' : undefined
  }
  if (image === undefined) return [failed(base, 'not an image reference')]
  const exists = image.ecr
    ? await checkEcrImage(base, image, options)
    : await checkRegistryImage(base, image, options)
  if (!isMutableTag(image)) return [exists]
  const mutable = failed(
    { ...base, kind: 'image tag', action: undefined },
    `${image.tag === undefined ? 'no tag (latest)' : 'tag latest'} moves: a rollback would not run the same code; pin a version tag or a digest`
  )
  return [exists, mutable]
}

async function checkEcrImage(base: CheckBase, image: ImageReference, options: VerifyOptions): Promise<Check> {
  const ecrRef = image.ecr!
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr')
  try {
    const ecr = await options.clients(ecrRef.region).ecr()
    const out = await ecr.send(
      new DescribeImagesCommand({
        registryId: ecrRef.account,
        repositoryName: image.repository,
        imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag ?? 'latest' }]
      }),
      sendOptions(options)
    )
    const digest = out.imageDetails?.[0]?.imageDigest
    return ok(
      base,
      digest === undefined ? '' : image.digest ? 'found' : `${image.tag ?? 'latest'} → ${digest}`
    )
  } catch (error) {
    const name = errorName(error)
    if (name === 'ImageNotFoundException')
      return failed(base, `${image.digest ?? image.tag ?? 'latest'} is not in repository ${image.repository}`)
    if (name === 'RepositoryNotFoundException')
      return failed(
        base,
        `repository ${image.repository} does not exist in registry ${ecrRef.account} (${ecrRef.region})`
      )
    return fromError(base, error)
  }
}

async function checkRegistryImage(
  base: CheckBase,
  image: ImageReference,
  options: VerifyOptions
): Promise<Check> {
  const found = await headManifest(image, { fetch: options.fetch, signal: options.signal })
  if (found.kind === 'found') return ok(base, found.digest === undefined ? 'found' : `→ ${found.digest}`)
  if (found.kind === 'missing')
    return failed(
      base,
      `${image.digest ?? image.tag ?? 'latest'} is not in ${image.registry}/${image.repository}`
    )
  return { ...base, result: 'not-checked', detail: found.reason }
}

const ECS_TASKS = 'ecs-tasks.amazonaws.com'

async function checkRole(kind: string, role: string, options: VerifyOptions): Promise<Check[]> {
  const base = { kind, subject: role, where: 'task definition', action: 'iam:GetRole' }
  // GetRole takes the name: the last part of `arn:aws:iam::123456789012:role/path/name`.
  const name = role.slice(role.lastIndexOf('/') + 1)
  const { GetRoleCommand } = await import('@aws-sdk/client-iam')
  try {
    const iam = await options.clients(options.region).iam()
    const out = await iam.send(new GetRoleCommand({ RoleName: name }), sendOptions(options))
    const document = out.Role?.AssumeRolePolicyDocument
    if (document !== undefined && trusts(document, ECS_TASKS)) return [ok(base, `trusts ${ECS_TASKS}`)]
    return [
      failed(
        base,
        `role ${name} does not trust ${ECS_TASKS} (its trust policy has no sts:AssumeRole for that service)`
      )
    ]
  } catch (error) {
    if (errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity')
      return [failed(base, `role ${name} does not exist`)]
    return [fromError(base, error)]
  }
}

/** Does a trust policy (URL-encoded JSON, as GetRole returns it) let `service` assume the role? */
export function trusts(document: string, service: string): boolean {
  let policy: unknown
  try {
    policy = JSON.parse(decodeURIComponent(document))
  } catch {
    try {
      policy = JSON.parse(document)
    } catch {
      return false
    }
  }
  const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])
  const statements = list((policy as { Statement?: unknown }).Statement) as Array<Record<string, unknown>>
  return statements.some(st => {
    if (st.Effect !== 'Allow') return false
    const actions = list(st.Action as string | string[] | undefined)
    if (!actions.some(a => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')) return false
    const principal = st.Principal as { Service?: string | string[] } | string | undefined
    if (principal === '*') return true
    return list(typeof principal === 'object' ? principal.Service : undefined).includes(service)
  })
}

const SECRETS_MANAGER = /^arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):/
const SSM_ARN = /^arn:aws[\w-]*:ssm:([a-z0-9-]+):\d{12}:parameter(\/.*)$/

async function checkSecrets(uses: readonly SecretUse[], options: VerifyOptions): Promise<Check[]> {
  return Promise.all(
    uses.map(use => {
      const sm = SECRETS_MANAGER.exec(use.valueFrom)
      return sm ? checkSecret(use, sm[1]!, options) : checkParameter(use, options)
    })
  )
}

async function checkSecret(use: SecretUse, region: string, options: VerifyOptions): Promise<Check> {
  const base = {
    kind: 'secret',
    subject: use.valueFrom,
    where: use.where,
    action: 'secretsmanager:DescribeSecret'
  }
  // `arn:…:secret:name-AbCdEf:json-key:version-stage:version-id`: the secret is the first seven parts.
  const id = use.valueFrom.split(':').slice(0, 7).join(':')
  const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager')
  try {
    const sm = await options.clients(region).secretsManager()
    const out = await sm.send(new DescribeSecretCommand({ SecretId: id }), sendOptions(options))
    if (out.DeletedDate !== undefined)
      return failed(base, `secret ${out.Name ?? id} is scheduled for deletion`)
    return ok(base)
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return failed(base, `secret ${id} does not exist`)
    return fromError(base, error)
  }
}

async function checkParameter(use: SecretUse, options: VerifyOptions): Promise<Check> {
  const base = {
    kind: 'SSM parameter',
    subject: use.valueFrom,
    where: use.where,
    action: 'ssm:GetParameters'
  }
  const arn = SSM_ARN.exec(use.valueFrom)
  const region = arn?.[1] ?? options.region
  // An ARN's `parameter/db` is the parameter `db` or `/db`; a deeper path always starts with a slash.
  const path = arn?.[2]
  const names =
    path === undefined ? [use.valueFrom] : path.lastIndexOf('/') === 0 ? [path.slice(1), path] : [path]
  const { GetParametersCommand } = await import('@aws-sdk/client-ssm')
  try {
    const ssm = await options.clients(region).ssm()
    // No decryption: only whether it exists is asked, never its value.
    const out = await ssm.send(
      new GetParametersCommand({ Names: names, WithDecryption: false }),
      sendOptions(options)
    )
    if ((out.Parameters ?? []).length > 0) return ok(base)
    return failed(base, `parameter ${names[names.length - 1]} does not exist in ${region}`)
  } catch (error) {
    return fromError(base, error)
  }
}

async function checkLogGroup(
  use: { container: string; group: string; region: string; createGroup: boolean },
  options: VerifyOptions
): Promise<Check> {
  const base = {
    kind: 'log group',
    subject: use.group,
    where: `container ${use.container}: awslogs`,
    action: 'logs:DescribeLogGroups'
  }
  const { DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs')
  // Groups come in name order, so the exact name is the first of those it prefixes: one page suffices.
  try {
    const logs = await options.clients(use.region).logs()
    const out = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: use.group, limit: 50 }),
      sendOptions(options)
    )
    if ((out.logGroups ?? []).some(g => g.logGroupName === use.group)) return ok(base)
    if (use.createGroup)
      return ok(
        base,
        'missing; awslogs-create-group makes ECS create it (logs:CreateLogGroup on the execution role)'
      )
    return failed(base, `log group ${use.group} does not exist in ${use.region}`)
  } catch (error) {
    return fromError(base, error)
  }
}

async function checkTargetGroup(
  use: References['targetGroups'][number],
  refs: References,
  options: VerifyOptions
): Promise<Check> {
  const base = {
    kind: 'target group',
    subject: use.arn,
    where: `service loadBalancers[${use.index}]`,
    action: 'elasticloadbalancing:DescribeTargetGroups'
  }
  const { DescribeTargetGroupsCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2')
  try {
    const elb = await options.clients(options.region).elbv2()
    const out = await elb.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [use.arn] }),
      sendOptions(options)
    )
    const group = out.TargetGroups?.[0]
    if (group === undefined) return failed(base, 'target group does not exist')
    const problems: string[] = []
    if (use.containerPort !== undefined && group.Port !== use.containerPort)
      problems.push(`its port ${group.Port ?? '?'} is not the container port ${use.containerPort}`)
    const wantUdp = group.Protocol === 'UDP'
    if (use.portProtocol !== undefined && group.Protocol !== 'TCP_UDP' && group.Protocol !== undefined)
      if (wantUdp !== (use.portProtocol === 'udp'))
        problems.push(
          `its protocol ${group.Protocol} does not carry the container port's ${use.portProtocol}`
        )
    const wantType = refs.networkMode === 'awsvpc' ? 'ip' : 'instance'
    if (group.TargetType !== undefined && group.TargetType !== wantType && refs.networkMode !== undefined)
      problems.push(
        `its target type ${group.TargetType} does not fit network mode ${refs.networkMode} (needs ${wantType})`
      )
    return problems.length === 0
      ? ok(base, `${group.Protocol ?? ''} ${group.Port ?? ''}`.trim())
      : failed(base, `target group ${group.TargetGroupName ?? use.arn}: ${problems.join('; ')}`)
  } catch (error) {
    if (errorName(error) === 'TargetGroupNotFoundException')
      return failed(base, 'target group does not exist')
    return fromError(base, error)
  }
}

async function checkNetwork(refs: References, options: VerifyOptions): Promise<Check[]> {
  if (refs.subnets.length === 0 && refs.securityGroups.length === 0) return []
  const { DescribeSubnetsCommand, DescribeSecurityGroupsCommand } = await import('@aws-sdk/client-ec2')
  const where = 'service awsvpcConfiguration'
  const checks: Check[] = []
  // A filter by id answers with those that exist (an id list fails on the first missing one).
  const run = async (
    kind: string,
    ids: readonly string[],
    action: string,
    found: () => Promise<string[]>
  ): Promise<void> => {
    if (ids.length === 0) return
    try {
      const have = await found()
      for (const id of ids) {
        const base = { kind, subject: id, where, action }
        checks.push(
          have.includes(id) ? ok(base) : failed(base, `${kind} ${id} does not exist in ${options.region}`)
        )
      }
    } catch (error) {
      for (const id of ids) checks.push(fromError({ kind, subject: id, where, action }, error))
    }
  }
  const ec2 = async () => options.clients(options.region).ec2()
  await run('subnet', refs.subnets, 'ec2:DescribeSubnets', async () => {
    const out = await (
      await ec2()
    ).send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: [...refs.subnets] }] }),
      sendOptions(options)
    )
    return (out.Subnets ?? []).map(s => s.SubnetId ?? '')
  })
  await run('security group', refs.securityGroups, 'ec2:DescribeSecurityGroups', async () => {
    const out = await (
      await ec2()
    ).send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'group-id', Values: [...refs.securityGroups] }]
      }),
      sendOptions(options)
    )
    return (out.SecurityGroups ?? []).map(s => s.GroupId ?? '')
  })
  return checks
}
