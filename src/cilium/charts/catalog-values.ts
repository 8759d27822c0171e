import type {Scalar} from './derive.js'

// Apart from derive.ts, which reads chart files with the yaml library: the rules read the catalog through these.

const SHORT_JSON = 60

function fnv(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

export function compactDefault(v: unknown): Scalar {
  if (v === undefined || v === null) return null
  if (typeof v === 'object') {
    const json = JSON.stringify(v)
    return json.length <= SHORT_JSON ? json : `#${fnv(json)}`
  }
  return v as Scalar
}

/** Image references change with every release; their defaults are not behaviour. */
export function isVolatilePath(path: string): boolean {
  return path.split('.').some((seg) => /image/i.test(seg))
}
