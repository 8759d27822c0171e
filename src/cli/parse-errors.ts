import * as Errors from '@oclif/core/errors'

function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}

/** The known flag closest to a mistyped one (plugin-not-found does this for commands only). */
export function nearestFlag(typed: string, known: string[]): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0]
  let best: {flag: string, d: number} | undefined
  for (const k of known) {
    const d = distance(name, k)
    if (d <= Math.max(2, Math.floor(name.length / 3)) && (!best || d < best.d)) best = {flag: k, d}
  }
  return best && `--${best.flag}`
}

/**
 * oclif's parse errors are several lines ("The following error occurred:", a list, "See more help with --help");
 * ours are one whole line naming what was wrong, what was expected and where help is.
 */
export function parseErrorLine(error: Error, command: string, flagNames: string[]): string {
  // eslint-disable-next-line no-control-regex
  const lines = error.message.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim())
    .filter((l) => l && !/^The following errors? occurred:?$/.test(l) && !/^See more help with --help$/.test(l))
  let text = lines.map((l) => l.replace(/^Error: /, '').replace(/\s{2,}/g, ': ')).join('; ').replace(/:;/g, ':')
  const nonexistent = (error as Errors.CLIError & {flags?: string[]}).flags
  if (error.constructor.name === 'NonExistentFlagsError' && nonexistent?.length) {
    const hints = nonexistent.map((f) => nearestFlag(f, flagNames)).filter(Boolean)
    if (hints.length > 0) text += `; did you mean ${hints.join(', ')}?`
  }
  const help = `ciltune ${command} --help`.replace(/\s+--help$/, ' --help')
  return `${text || error.constructor.name} (see \`${help}\`)`
}

export function nearestCommand(typed: string, ids: string[]): string | undefined {
  const scored = ids.map((id) => ({id, d: distance(typed, id)})).sort((a, b) => a.d - b.d)
  return scored[0] && scored[0].d <= Math.max(2, Math.floor(typed.length / 2)) ? scored[0].id : undefined
}
