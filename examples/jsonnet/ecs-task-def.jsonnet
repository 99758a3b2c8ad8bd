local must_env = std.native('must_env');
local stage = std.extVar('stage');
local size = (import 'stages.libsonnet')[stage];
local account = '123456789012';
{
  family: 'api-' + stage,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: size.cpu,
  memory: size.memory,
  executionRoleArn: 'arn:aws:iam::%s:role/ecsTaskExecutionRole' % account,
  taskRoleArn: 'arn:aws:iam::%s:role/api-task' % account,
  runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
  containerDefinitions: [
    {
      name: 'app',
      image: '%s.dkr.ecr.us-east-1.amazonaws.com/api:%s' % [account, must_env('IMAGE_TAG')],
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp', name: 'http' }],
      environment: [
        { name: 'STAGE', value: stage },
        { name: 'LOG_LEVEL', value: size.logLevel },
      ],
      secrets: [
        {
          name: 'DATABASE_URL',
          valueFrom: 'arn:aws:ssm:us-east-1:%s:parameter/api/%s/database-url' % [account, stage],
        },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/api-' + stage,
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'app',
        },
      },
    },
  ],
  tags: [{ key: 'Stage', value: stage }],
}
