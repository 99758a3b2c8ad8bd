// hashicorp/go-version v1.9.0's own test tables (constraint_test.go, version_test.go), run against the port:
// ecspresso checks required_version with that library, so its answers are the ones to match.
import { describe, expect, it } from '@jest/globals'
import {
  compareVersions,
  parseConstraints,
  parseVersion,
  satisfies,
  versionString
} from '../../src/config/go-version.js'

const throws = (f: () => unknown): boolean => {
  try {
    f()
    return false
  } catch {
    return true
  }
}

describe('go-version NewVersion', () => {
  it.each([
    ['', true],
    ['1.2.3', false],
    ['1.0', false],
    ['1', false],
    ['1.2.beta', true],
    ['1.21.beta', true],
    ['foo', true],
    ['1.2-5', false],
    ['1.2-beta.5', false],
    ['\n1.2', true],
    ['1.2.0-x.Y.0+metadata', false],
    ['1.2.0-x.Y.0+metadata-width-hyphen', false],
    ['1.2.3-rc1-with-hyphen', false],
    ['1.2.3.4', false],
    ['1.2.0.4-x.Y.0+metadata', false],
    ['1.2.0.4-x.Y.0+metadata-width-hyphen', false],
    ['1.2.0-X-1.2.0+metadata~dist', false],
    ['1.2.3.4-rc1-with-hyphen', false],
    ['v1.2.3', false],
    ['foo1.2.3', true],
    ['1.7rc2', false],
    ['v1.7rc2', false],
    ['1.0-', false],
    ['controller-v0.40.2', true],
    ['azure-cli-v1.4.2', true]
  ])('%j: error %s', (text, error) => {
    expect(throws(() => parseVersion(text))).toBe(error)
  })

  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2-beta', '1.2.0-beta'],
    ['1.2.0-x.Y.0', '1.2.0-x.Y.0'],
    ['1.2.0-x.Y.0+metadata', '1.2.0-x.Y.0+metadata'],
    ['1.2.0-metadata-1.2.0+metadata~dist', '1.2.0-metadata-1.2.0+metadata~dist'],
    ['17.03.0-ce', '17.3.0-ce']
  ])('String() of %s is %s', (text, expected) => {
    expect(versionString(parseVersion(text))).toBe(expected)
  })
})

describe('go-version Compare', () => {
  // TestVersionCompare and TestComparePreReleases
  it.each([
    ['1.2.3', '1.4.5', -1],
    ['1.2-beta', '1.2-beta', 0],
    ['1.2', '1.1.4', 1],
    ['1.2', '1.2-beta', 1],
    ['1.2+foo', '1.2+beta', 0],
    ['v1.2', 'v1.2-beta', 1],
    ['v1.2+foo', 'v1.2+beta', 0],
    ['v1.2.3.4', 'v1.2.3.4', 0],
    ['v1.2.0.0', 'v1.2', 0],
    ['v1.2.0.0.1', 'v1.2', 1],
    ['v1.2', 'v1.2.0.0', 0],
    ['v1.2', 'v1.2.0.0.1', -1],
    ['v1.2.0.0', 'v1.2.0.0.1', -1],
    ['v1.2.3.0', 'v1.2.3.4', -1],
    ['1.7rc2', '1.7rc1', 1],
    ['1.7rc2', '1.7', -1],
    ['1.2.0', '1.2.0-X-1.2.0+metadata~dist', 1],
    ['1.2-beta.2', '1.2-beta.2', 0],
    ['1.2-beta.1', '1.2-beta.2', -1],
    ['1.2-beta.2', '1.2-beta.11', -1],
    ['3.2-alpha.1', '3.2-alpha', 1],
    ['1.2-beta.2', '1.2-beta.1', 1],
    ['1.2-beta.11', '1.2-beta.2', 1],
    ['1.2-beta', '1.2-beta.3', -1],
    ['1.2-alpha', '1.2-beta.3', -1],
    ['1.2-beta', '1.2-alpha.3', 1],
    ['3.0-alpha.3', '3.0-rc.1', -1],
    ['3.0-alpha3', '3.0-rc1', -1],
    ['3.0-alpha.1', '3.0-alpha.beta', -1],
    ['5.4-alpha', '5.4-alpha.beta', 1],
    ['v1.2-beta.2', 'v1.2-beta.2', 0],
    ['v1.2-beta.1', 'v1.2-beta.2', -1],
    ['v3.2-alpha.1', 'v3.2-alpha', 1],
    ['v3.2-rc.1-1-g123', 'v3.2-rc.2', 1],
    // TestVersionCompare_versionAndSemver, both read by NewVersion
    ['1.0.2alpha', '1.0.2-alpha', 0],
    ['v1.2', 'v1.2+meta', 0],
    ['v1.0.3-', 'v1.0.3', -1]
  ])('%s <=> %s is %d', (a, b, expected) => {
    expect(compareVersions(parseVersion(a), parseVersion(b))).toBe(expected)
    expect(compareVersions(parseVersion(b), parseVersion(a))).toBe(-expected || 0)
  })
})

describe('go-version NewConstraint', () => {
  it.each([
    ['>= 1.2', 1, false],
    ['1.0', 1, false],
    ['>= 1.x', 0, true],
    ['>= 1.2, < 1.0', 2, false],
    // Out of bounds: a segment beyond int64
    ['11387778780781445675529500000000000000000', 0, true],
    // Operators, spacing and the v prefix ecspresso users write
    ['~>2.3', 1, false],
    ['  !=  v2.1.0  ', 1, false],
    ['>=2.0.0,<3', 2, false],
    ['=> 2.0', 0, true],
    ['>= 2.0,', 0, true],
    ['^2.0', 0, true],
    ['2.x', 0, true],
    ['\u00a0>= 2.0', 0, true]
  ])('%j: %d constraints, error %s', (text, count, error) => {
    if (error) expect(() => parseConstraints(text)).toThrow(/malformed|error parsing/)
    else expect(parseConstraints(text)).toHaveLength(count)
  })
})

describe('go-version Constraints.Check', () => {
  it.each([
    ['>= 1.0, < 1.2', '1.1.5', true],
    ['< 1.0, < 1.2', '1.1.5', false],
    ['= 1.0', '1.1.5', false],
    ['= 1.0', '1.0.0', true],
    ['1.0', '1.0.0', true],
    ['~> 1.0', '2.0', false],
    ['~> 1.0', '1.1', true],
    ['~> 1.0', '1.2.3', true],
    ['~> 1.0.0', '1.2.3', false],
    ['~> 1.0.0', '1.0.7', true],
    ['~> 1.0.0', '1.1.0', false],
    ['~> 1.0.7', '1.0.4', false],
    ['~> 1.0.7', '1.0.7', true],
    ['~> 1.0.7', '1.0.8', true],
    ['~> 1.0.7', '1.0.7.5', true],
    ['~> 1.0.7', '1.0.6.99', false],
    ['~> 1.0.7', '1.0.8.0', true],
    ['~> 1.0.9.5', '1.0.9.5', true],
    ['~> 1.0.9.5', '1.0.9.4', false],
    ['~> 1.0.9.5', '1.0.9.6', true],
    ['~> 1.0.9.5', '1.0.9.5.0', true],
    ['~> 1.0.9.5', '1.0.9.5.1', true],
    ['~> 2.0', '2.1.0-beta', false],
    ['~> 2.1.0-a', '2.2.0', false],
    ['~> 2.1.0-a', '2.1.0', false],
    ['~> 2.1.0-a', '2.1.0-beta', true],
    ['~> 2.1.0-a', '2.2.0-alpha', false],
    ['> 2.0', '2.1.0-beta', false],
    ['>= 2.1.0-a', '2.1.0-beta', true],
    ['>= 2.1.0-a', '2.1.1-beta', false],
    ['>= 2.0.0', '2.1.0-beta', false],
    ['>= 2.1.0-a', '2.1.1', true],
    ['>= 2.1.0-a', '2.1.1-beta', false],
    ['>= 2.1.0-a', '2.1.0', true],
    ['<= 2.1.0-a', '2.0.0', true],
    // The forms ecspresso's README shows, against the version this action declares
    ['>= 2.0.0, < 3.0.0', '2.8.7', true],
    ['~> 2.8', '2.8.7', true],
    ['~> 2.8.8', '2.8.7', false],
    ['~> 2', '2.8.7', true],
    ['!= 2.8.7', '2.8.7', false],
    ['= v2.8.7', 'v2.8.7', true],
    ['>= 3', '2.8.7', false]
  ])('%j admits %s: %s', (constraint, version, expected) => {
    expect(satisfies(parseConstraints(constraint), parseVersion(version))).toBe(expected)
  })
})
