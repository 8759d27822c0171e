/**
 * A code per rule and per message, istioctl-analyze style (`Error [CT4821] …`), derived from the rule id
 * (and messageId) alone, so it never moves when rules are added, removed or renamed elsewhere.
 * test/cli/codes.test.ts fails if two current rules (or two messages of one rule) ever share a code.
 */

/** Where each code is documented: docs/codes.md, generated at build from the rules' own metadata. */
export const DOCS_URL = 'https://github.com/ciltune/ciltune/blob/main/docs/codes.md'

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export function ruleCode(ruleId: string): string {
  return `CT${(fnv1a(ruleId) % 9000) + 1000}`
}

export function findingCode(ruleId: string, messageId?: string): string {
  return messageId ? `${ruleCode(ruleId)}-${String((fnv1a(messageId) % 90) + 10)}` : ruleCode(ruleId)
}

export function docUrl(code: string): string {
  return `${DOCS_URL}#${code.toLowerCase()}`
}

/** istioctl prints Error/Warning/Info; ours keeps the four severities, capitalised. */
export function severityLabel(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
