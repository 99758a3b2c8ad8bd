/** The ECS emulator's state: what AWS keeps about clusters, task definitions, services, deployments and tasks. */
import type { Json, Tag } from './util.js'
import type { TaskFailure, TaskScript } from './scenario.js'
import type { NativeState } from './native-deploy.js'

export interface Cluster {
  name: string
  arn: string
  status: 'ACTIVE' | 'INACTIVE'
  createdAt: number
}

export interface TaskDefinition {
  arn: string
  family: string
  revision: number
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS'
  registeredAt: number
  deregisteredAt?: number
  /** The registered definition as AWS returns it (defaults filled in), without the computed keys above. */
  body: Json
}

export type DeploymentStatus = 'PRIMARY' | 'ACTIVE' | 'INACTIVE'
export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'

export interface Deployment {
  id: string
  status: DeploymentStatus
  taskDefinition: string
  desiredCount: number
  failedTasks: number
  createdAt: number
  updatedAt: number
  rolloutState?: RolloutState
  rolloutStateReason?: string
  launchType?: string
  capacityProviderStrategy?: unknown
  platformVersion?: string
  platformFamily?: string
  networkConfiguration?: unknown
  /** As DescribeServices shows them per deployment (not at the service's top level). */
  serviceConnectConfiguration?: unknown
  volumeConfigurations?: unknown
  /** The revision this deployment runs, and the service deployment it belongs to. */
  serviceRevisionArn: string
  serviceDeploymentArn: string
  /** Circuit breaker tripped without rollback: launches nothing more. */
  halted: boolean
  /** CODE_DEPLOY services: this deployment is a task set scaled to a percentage of the service. */
  taskSet?: TaskSetState
}

export interface TaskSetState {
  arn: string
  scale: number
  externalId?: string
  startedBy: string
  /** Traffic weight (0-100) the load balancer sends it, production and test listeners. */
  productionWeight: number
  testWeight: number
}

export interface ServiceEvent {
  id: string
  createdAt: number
  message: string
}

export interface Service {
  key: string
  name: string
  arn: string
  cluster: Cluster
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE'
  taskDefinition: string
  desiredCount: number
  createdAt: number
  createdBy: string
  deploymentController: { type: string }
  deploymentConfiguration: Json
  deployments: Deployment[]
  events: ServiceEvent[]
  /** Fields returned as given (loadBalancers, networkConfiguration, launchType, …). */
  settings: Json
  /** Has "has reached a steady state" been said since the last change? */
  steady: boolean
  lastCompleted?: { deploymentId: string; taskDefinition: string; serviceRevisionArn: string }
}

export type TaskLastStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED'

export interface ContainerState {
  name: string
  image: string
  arn: string
  runtimeId: string
  lastStatus: string
  essential: boolean
  exitCode?: number
  reason?: string
  cpu?: string
  memory?: string
  /** awslogs driver: where the container's output goes. */
  log?: { group: string; stream: string; createGroup: boolean }
}

export interface TaskState {
  arn: string
  id: string
  cluster: Cluster
  taskDefinitionArn: string
  group: string
  startedBy?: string
  serviceKey?: string
  deploymentId?: string
  lastStatus: TaskLastStatus
  desiredStatus: 'RUNNING' | 'STOPPED'
  createdAt: number
  pendingAt: number
  runAt: number
  pullStartedAt?: number
  pullStoppedAt?: number
  startedAt?: number
  connectivityAt?: number
  stoppingAt?: number
  stopAt?: number
  stoppedAt?: number
  stopCode?: string
  stoppedReason?: string
  /** Failed on its own (not stopped by the scheduler or a user): counts for the circuit breaker. */
  failed: boolean
  failure?: TaskFailure
  /** The container the failure happens to. */
  failingContainer?: string
  /** When the load balancer's health checks pass (services with a load balancer; unset while unhealthy). */
  healthyAt?: number
  failAt?: number
  /** What the containers write and how they exit (one-off tasks). */
  script?: TaskScript
  /** When the script's container exits. */
  exitAt?: number
  /** Lines already shipped to CloudWatch Logs, per container. */
  logged?: Record<string, number>
  containers: ContainerState[]
  launchType?: string
  platformVersion?: string
  cpu?: string
  memory?: string
  overrides: Json
  enableExecuteCommand: boolean
  version: number
  availabilityZone: string
}

export interface ServiceRevision {
  arn: string
  serviceArn: string
  clusterArn: string
  taskDefinition: string
  createdAt: number
  settings: Json
}

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED'

export interface ServiceDeploymentRecord {
  arn: string
  serviceKey: string
  serviceArn: string
  clusterArn: string
  createdAt: number
  startedAt: number
  updatedAt: number
  finishedAt?: number
  stoppedAt?: number
  sourceRevisionArns: string[]
  targetRevisionArn: string
  status: ServiceDeploymentStatus
  statusReason?: string
  deploymentConfiguration: Json
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string }
  circuitBreaker: { status: string; failureCount: number; threshold: number }
  /** BLUE_GREEN, LINEAR and CANARY deployments: lifecycle stage, hooks, traffic. */
  native?: NativeState
}

export type { Tag }
