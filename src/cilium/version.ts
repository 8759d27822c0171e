/*
 * Cilium and kernel version comparison, written once on `semver`. Versions come in every shape the evidence
 * holds: "1.18.7", "v1.18.7-2adae214", "1.20.0-dev", kernel "6.8.0-1015-aws"; only major.minor.patch counts,
 * so every version is coerced to that before it is compared (a build suffix is not a semver prerelease).
 */
import semver from 'semver'

export type Version = [number, number, number]

function coerce(v: string | undefined): semver.SemVer | undefined {
  if (!v) return undefined
  return semver.coerce(v) ?? undefined
}

/** Parse a version into numbers; undefined when it holds none. */
export function parseVersion(v: string | undefined): Version | undefined {
  const c = coerce(v)
  return c ? [c.major, c.minor, c.patch] : undefined
}

export function compareVersions(a: Version, b: Version): number {
  return semver.compare(a.join('.'), b.join('.'))
}

/** Whether `v` is at least `min`; undefined when `v` is not a version. */
export function atLeast(v: string | undefined, min: string): boolean | undefined {
  const p = coerce(v)
  const m = coerce(min)
  if (!p || !m) return undefined
  return semver.gte(p, m)
}

/** Does version `v` satisfy a range like ">=1.16", "<1.18", ">=1.16 <1.19", "*". Unknown versions satisfy. */
export function versionSatisfies(v: string | undefined, range: string): boolean {
  const parsed = coerce(v)
  if (!parsed || range.trim() === '*' || range.trim() === '') return true
  // ranges are written with partial versions (">=1.16"); semver reads those as x-ranges, which is what is meant
  return semver.satisfies(parsed, range.trim())
}
