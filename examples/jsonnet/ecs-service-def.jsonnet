local stage = std.extVar('stage');
{
  launchType: 'FARGATE',
  desiredCount: (import 'stages.libsonnet')[stage].desiredCount,
  deploymentConfiguration: {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: { enable: true, rollback: true },
  },
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
      securityGroups: ['sg-0123456789abcdef0'],
      assignPublicIp: 'DISABLED',
    },
  },
  propagateTags: 'SERVICE',
  tags: [{ key: 'Stage', value: stage }],
}
