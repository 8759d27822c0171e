/*
 * Cilium and kernel version comparison, written once. Versions come in every shape the evidence holds:
 * "1.18.7", "v1.18.7-2adae214", "1.20.0-dev", kernel "6.8.0-1015-aws"; only major.minor.patch counts.
 */
export type Version = [number, number, number]

/** Parse a version into numbers; undefined when it holds none. */
export function parseVersion(v: string | undefined): Version | undefined {
  if (!v) return undefined
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v)
  if (!m) return undefined
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

/** Whether `v` is at least `min`; undefined when `v` is not a version. */
export function atLeast(v: string | undefined, min: string): boolean | undefined {
  const p = parseVersion(v)
  const m = parseVersion(min)
  if (!p || !m) return undefined
  return compareVersions(p, m) >= 0
}

/** Does version `v` satisfy a range like ">=1.16", "<1.18", ">=1.16 <1.19", "*". Unknown versions satisfy. */
export function versionSatisfies(v: string | undefined, range: string): boolean {
  const parsed = parseVersion(v)
  if (!parsed || range.trim() === '*' || range.trim() === '') return true
  return range.trim().split(/\s+/).every((clause) => {
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(clause)
    const bound = parseVersion(m?.[2])
    if (!m || !bound) return true
    const c = compareVersions(parsed, bound)
    switch (m[1]) {
      case '>=': return c >= 0
      case '<=': return c <= 0
      case '>': return c > 0
      case '<': return c < 0
      default: return c === 0
    }
  })
}
