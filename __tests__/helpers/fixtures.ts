// The definitions most tests deploy: a Fargate task definition `web` with one essential container `app` on
// port 8080, and its rolling service in one subnet. Tests that need another shape spread over these.

export const network: {
  awsvpcConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: 'DISABLED' }
} = {
  awsvpcConfiguration: { subnets: ['subnet-0123'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' }
}

/** The fields a Fargate task definition `web` of 256 CPU units and 512 MiB starts with. */
export const fargateWeb = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512'
}

/** Task definition `web` running `image` in container `app` (port 8080); `container` adds to that container. */
export const webTask = (image: string, container: Record<string, unknown> = {}) => ({
  ...fargateWeb,
  containerDefinitions: [
    { name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }], ...container }
  ]
})

/** Service definition: two Fargate tasks in `network`; `extra` adds fields or replaces them in place. */
export const webService = (extra: Record<string, unknown> = {}) => ({
  launchType: 'FARGATE',
  desiredCount: 2,
  networkConfiguration: network,
  ...extra
})

/** The deployment circuit breaker with rollback on, as a service definition field. */
export const circuitBreaker = {
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
}
