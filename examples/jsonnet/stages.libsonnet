// What differs between stages, in one place.
{
  production: { cpu: '512', memory: '1024', desiredCount: 3, logLevel: 'warn' },
  staging: { cpu: '256', memory: '512', desiredCount: 1, logLevel: 'debug' },
}
