/** Names of the action's inputs and outputs, shared by code, tests and the README check. */
export const Input = {
  Config: 'config',
  Command: 'command',
  ImageTag: 'image-tag',
  Images: 'images',
  DryRun: 'dry-run',
  RollbackEvents: 'rollback-events',
  Wait: 'wait',
  Timeout: 'timeout',
  ForceNewDeployment: 'force-new-deployment',
  SkipTaskDefinition: 'skip-task-definition',
  LatestTaskDefinition: 'latest-task-definition',
  GithubToken: 'github-token',
  PrComment: 'pr-comment',
  Redact: 'redact',
  WaitUntil: 'wait-until',
  CodedeployInProgress: 'codedeploy-in-progress',
  Cluster: 'cluster',
  Service: 'service',
  TaskDefinition: 'task-definition',
  Verify: 'verify',
  DesiredCount: 'desired-count',
  KeepRevisions: 'keep-revisions',
  Deregister: 'deregister',
  ExtStr: 'ext-str',
  ExtCode: 'ext-code',
  Overrides: 'overrides',
  Count: 'count',
  WatchContainer: 'watch-container',
  ServiceDeploymentArn: 'service-deployment-arn',
  TestCommand: 'test-command',
  TestTimeout: 'test-timeout',
  MaxParallel: 'max-parallel',
  OnFailure: 'on-failure'
} as const

export const Output = {
  Status: 'status',
  TaskDefinitionArn: 'task-definition-arn',
  RegisteredTaskDefinitionArn: 'registered-task-definition-arn',
  PreviousTaskDefinitionArn: 'previous-task-definition-arn',
  ServiceArn: 'service-arn',
  DeploymentId: 'deployment-id',
  HasChanges: 'has-changes',
  Diff: 'diff',
  ConsoleUrl: 'console-url',
  CodedeployDeploymentId: 'codedeploy-deployment-id',
  TaskDefinition: 'task-definition',
  ServiceDefinition: 'service-definition',
  TaskArns: 'task-arns',
  ExitCode: 'exit-code',
  ServiceDeploymentArn: 'service-deployment-arn',
  HookId: 'hook-id',
  LifecycleStage: 'lifecycle-stage',
  Results: 'results'
} as const

export type OutputName = (typeof Output)[keyof typeof Output]

export const Commands = ['deploy', 'render', 'verify', 'run', 'rollback', 'register', 'promote'] as const
export type Command = (typeof Commands)[number]

export const RollbackEvents = [
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST'
] as const
export type RollbackEvent = (typeof RollbackEvents)[number]

/** Every status a step can end with; README's status table says when each happens and its exit code. */
export const Statuses = [
  'succeeded',
  'started',
  'superseded',
  'rolled-back',
  'rolling-back',
  'failed',
  'timed-out',
  'cancelled',
  'ready',
  'paused',
  'dry-run',
  'rendered',
  'verified',
  'registered',
  'skipped'
] as const
export type Status = (typeof Statuses)[number]

/**
 * Tag key this action puts on every task definition it registers (value: the run's deploy id), so a retried
 * registration whose first reply was lost is found instead of registered twice. Diffs ignore it.
 */
export const DEPLOY_ID_TAG = 'ecs-deploy-action:deploy-id'
