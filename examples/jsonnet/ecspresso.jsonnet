// An ecspresso config in Jsonnet, unchanged from what the ecspresso CLI reads (ecspresso --ext-str stage=…).
// The action takes the stage from its ext-str input: `ext-str: stage=staging`.
local env = std.native('env');
local stage = std.extVar('stage');
{
  region: env('AWS_REGION', 'us-east-1'),
  cluster: 'demo',
  service: 'api-' + stage,
  service_definition: 'ecs-service-def.jsonnet',
  task_definition: 'ecs-task-def.jsonnet',
  timeout: '10m',
}
