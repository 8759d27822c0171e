import {redactText} from '../../suggest/redact.js'

/** Everything that came from evidence or the cluster is text, never markup. */
export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** Redacted (PEM blocks, long base64) and escaped, as every other format redacts evidence. */
export function safe(s: string | number): string {
  return esc(redactText(String(s)))
}
