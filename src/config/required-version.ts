import { ActionError, type Location } from '../errors.js'
import { GoVersionError, parseConstraints, parseVersion, satisfies } from './go-version.js'

/**
 * The ecspresso release whose behaviour this action matches: a config's `required_version` is checked
 * against it, as ecspresso checks its own version. README's "Differences from ecspresso" names it too.
 */
export const ECSPRESSO_VERSION = '2.8.7'

/**
 * The problem with `required_version`, or undefined when it admits ECSPRESSO_VERSION (or is empty, which
 * ecspresso skips). Constraints use hashicorp/go-version's syntax, as ecspresso's do.
 */
export function checkRequiredVersion(
  constraint: string,
  where: Location,
  version: string = ECSPRESSO_VERSION
): ActionError | undefined {
  if (constraint === '') return undefined
  let constraints
  try {
    constraints = parseConstraints(constraint)
  } catch (error) {
    if (!(error instanceof GoVersionError)) throw error
    return new ActionError(
      `required_version '${constraint}' is not a version constraint (${error.message}); this action behaves as ecspresso ${version}`,
      {
        where,
        hint: "write it as ecspresso does (hashicorp/go-version syntax), e.g. '>= 2.0.0', '~> 2.8' or '>= 2.0, < 3'"
      }
    )
  }
  if (satisfies(constraints, parseVersion(version))) return undefined
  return new ActionError(
    `required_version '${constraint}' excludes ecspresso ${version}, the version this action behaves as`,
    {
      where,
      hint: `loosen the constraint to admit ${version} (e.g. '>= 2.0, < 3'), or deploy this config with the ecspresso it names`
    }
  )
}
