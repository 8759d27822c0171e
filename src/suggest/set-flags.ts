/*
 * `--set`: the overlay as flags for `helm upgrade --reuse-values`. Helm's --set parser splits on commas
 * and treats backslash as escape, and guesses types, so strings that look like numbers or booleans go
 * through --set-string to stay strings.
 */
import {isSecretPath, looksSecret, REDACTED} from './redact.js'

export interface SetEntry {path: string, value: string | number | boolean | null}

function escapeSetValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,')
}

function escapeSetKey(k: string): string {
  // Dots inside a key segment are escaped with a backslash in Helm's strvals grammar; paths here use dots only as separators.
  return k.replace(/,/g, '\\,').replace(/=/g, '\\=')
}

/** POSIX shell single quotes when the argument needs quoting. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

export function setFlag(e: SetEntry): string {
  const secret = isSecretPath(e.path) || looksSecret(e.value)
  if (secret) return `--set ${shellQuote(`${escapeSetKey(e.path)}=${REDACTED}`)}`
  if (e.value === null) return `--set ${shellQuote(`${escapeSetKey(e.path)}=null`)}`
  if (typeof e.value === 'string') {
    const looksTyped = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/i.test(e.value)
    const flag = looksTyped ? '--set-string' : '--set'
    return `${flag} ${shellQuote(`${escapeSetKey(e.path)}=${escapeSetValue(e.value)}`)}`
  }
  return `--set ${shellQuote(`${escapeSetKey(e.path)}=${String(e.value)}`)}`
}

/** Pin the running chart version: `helm upgrade` without --version would also upgrade Cilium. */
export function helmUpgradeCommand(o: {release?: string, namespace?: string, version?: string} = {}): string {
  return `helm upgrade ${o.release ?? 'cilium'} cilium/cilium -n ${o.namespace ?? 'kube-system'}${o.version ? ` --version ${o.version}` : ''} --reuse-values`
}

export function setFlags(entries: SetEntry[], o: {release?: string, namespace?: string, version?: string} = {}): string {
  if (entries.length === 0) return '# nothing to change\n'
  const lines = [`${helmUpgradeCommand(o)} \\`]
  entries.forEach((e, i) => lines.push(`  ${setFlag(e)}${i < entries.length - 1 ? ' \\' : ''}`))
  return lines.join('\n') + '\n'
}
