/*
 * Kubernetes resource quantities ("5035968Ki", "16Gi", "500m", "2", "1e3").
 * Grammar from k8s.io/apimachinery resource.Quantity: a signed decimal number, then an optional
 * binary suffix (Ki..Ei), decimal suffix (n, u, m, k, M, G, T, P, E) or decimal exponent (e3).
 */

const BINARY: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60}
const DECIMAL: Record<string, number> = {'': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18}
// sub-unit suffixes divide, which keeps 100n and 500m exact in binary floats
const FRACTION: Record<string, number> = {n: 1e9, u: 1e6, m: 1e3}

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/

/** The quantity's value as a plain number (bytes for memory, cores for cpu); undefined when malformed. */
export function parseQuantity(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined
  if (typeof input !== 'string') return undefined
  const m = QUANTITY.exec(input.trim())
  if (!m) return undefined
  const n = Number(m[1])
  const suffix = m[2] ?? ''
  let v: number
  if (suffix in BINARY) v = n * BINARY[suffix]
  else if (suffix in DECIMAL) v = n * DECIMAL[suffix]
  else if (suffix in FRACTION) v = n / FRACTION[suffix]
  else {
    const exp = Number(suffix.slice(1))
    v = exp < 0 ? n / 10 ** -exp : n * 10 ** exp
  }
  // Millicores and the like give binary-float noise (0.1 * 3); whole results are expected to be whole.
  const rounded = Math.round(v)
  if (Math.abs(v - rounded) < 1e-9 * Math.max(1, Math.abs(v))) v = rounded
  return Number.isFinite(v) ? v : undefined
}
