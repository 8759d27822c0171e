/*
 * Trends from range queries: least-squares slope per hour, and when a gauge that grows will hit
 * its limit ("full in about N h"). Pure functions, so they are tested without a Prometheus.
 */

export interface Point {t: number, v: number} // t in ms

/**
 * A counter's points with resets removed (an agent restart drops it to 0): later points are
 * shifted up by the value before the drop, as Prometheus' rate() does.
 */
export function withoutResets(points: Point[]): Point[] {
  let offset = 0
  const out: Point[] = []
  for (let i = 0; i < points.length; i++) {
    if (i > 0 && points[i].v < points[i - 1].v) offset += points[i - 1].v
    out.push({t: points[i].t, v: points[i].v + offset})
  }
  return out
}

/** Least-squares slope in units per hour; undefined with fewer than 3 points or no time span. */
export function slopePerHour(points: Point[]): number | undefined {
  const n = points.length
  if (n < 3) return undefined
  const t0 = points[0].t
  let sx = 0
  let sy = 0
  for (const p of points) {
    sx += (p.t - t0) / 3_600_000
    sy += p.v
  }
  const mx = sx / n
  const my = sy / n
  let sxx = 0
  let sxy = 0
  for (const p of points) {
    const dx = (p.t - t0) / 3_600_000 - mx
    sxx += dx * dx
    sxy += dx * (p.v - my)
  }
  if (sxx === 0) return undefined
  const slope = sxy / sxx
  // float noise on a flat series must not read as "rising"
  return Math.abs(slope) < 1e-12 ? 0 : slope
}

/**
 * Hours until a rising gauge reaches `limit` (1.0 = full for map pressure), from its current value.
 * 0 when it is already there; undefined when it is not rising.
 */
export function hoursUntilFull(current: number, slope: number, limit = 1): number | undefined {
  if (current >= limit) return 0
  if (!(slope > 0)) return undefined
  return (limit - current) / slope
}

/** "full in about 3 h" / "full in about 40 min" / "already full"; undefined when not rising. */
export function forecastText(current: number, slope: number, limit = 1): string | undefined {
  const h = hoursUntilFull(current, slope, limit)
  if (h === undefined) return undefined
  if (h === 0) return 'already full'
  if (h < 1) return `full in about ${Math.max(1, Math.round(h * 60))} min`
  return `full in about ${h < 10 ? h.toFixed(1).replace(/\.0$/, '') : Math.round(h)} h`
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v)
  const a = Math.abs(v)
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3)
}
