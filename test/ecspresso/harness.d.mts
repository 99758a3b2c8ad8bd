export declare const ECSPRESSO_VERSION: string
export type EcspressoAvailability =
  | { readonly ok: true; readonly bin: string }
  | { readonly ok: false; readonly skip: boolean; readonly reason: string }
export declare function ensureEcspresso(): EcspressoAvailability
export declare function ecspressoRender(
  bin: string,
  configPath: string,
  target: 'taskdef' | 'servicedef',
  env: Readonly<Record<string, string>>
): string
