import type {K8sObject} from './scenario.js'

/** Equality-based label and field selectors, as the API server applies them (k=v, k==v, k!=v, k, !k). */
function matches(get: (key: string) => string | undefined, selector: string | null): boolean {
  if (!selector) return true
  for (const term of selector.split(',').map((t) => t.trim()).filter(Boolean)) {
    const ne = /^([^!=]+)!=(.*)$/.exec(term)
    const eq = /^([^!=]+)==?(.*)$/.exec(term)
    if (ne) {
      if (get(ne[1].trim()) === ne[2].trim()) return false
    } else if (eq) {
      if (get(eq[1].trim()) !== eq[2].trim()) return false
    } else if (term.startsWith('!')) {
      if (get(term.slice(1)) !== undefined) return false
    } else if (get(term) === undefined) {
      return false
    }
  }
  return true
}

function field(o: K8sObject, path: string): string | undefined {
  let cur: unknown = o
  for (const seg of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[seg]
  }
  return cur === undefined || cur === null ? undefined : String(cur)
}

export function selectObjects(items: K8sObject[], labelSelector: string | null, fieldSelector: string | null): K8sObject[] {
  return items.filter((o) => matches((k) => o.metadata?.labels?.[k], labelSelector) && matches((k) => field(o, k), fieldSelector))
}
