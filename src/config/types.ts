/** An ecspresso.yml, loaded and validated (keys as ecspresso names them, in camelCase here). */
export interface Config {
  /** Absolute path of the config file; definition paths resolve relative to its directory. */
  readonly path: string
  readonly region: string
  readonly cluster: string
  readonly service: string | undefined
  /** Absolute paths, when the config names them. */
  readonly serviceDefinition: string | undefined
  readonly taskDefinition: string | undefined
  /** Milliseconds, from `timeout` (Go duration like `10m0s`). */
  readonly timeoutMs: number | undefined
  readonly codedeploy: CodeDeployConfig | undefined
  /** ecspresso's `appspec` section (Hooks etc.), or a path to an appspec file. */
  readonly appspec: unknown
  readonly plugins: readonly PluginConfig[]
  readonly requiredVersion: string | undefined
  readonly ignore: IgnoreConfig
}

export interface CodeDeployConfig {
  readonly applicationName: string | undefined
  readonly deploymentGroupName: string | undefined
  readonly deploymentConfigName: string | undefined
}

export interface PluginConfig {
  readonly name: string
  readonly config: Readonly<Record<string, unknown>>
  readonly funcPrefix: string
}

export interface IgnoreConfig {
  /** Tag keys managed elsewhere (e.g. Terraform): never synced, never diffed. */
  readonly tags: readonly string[]
}
