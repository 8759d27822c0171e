/** What a fish completion needs to know of a command (from oclif's loaded command list). */
export interface CompletableCommand {
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  flags: Record<string, {char?: string, summary?: string, description?: string, type: string, options?: readonly string[], hidden?: boolean}>
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
const firstLine = (s = '') => s.split('\n')[0].slice(0, 80)

/**
 * A fish completion script for every command and flag (plugin-autocomplete writes bash, zsh and
 * PowerShell only). Flags that take a value list their options, or complete file names.
 */
export function fishCompletion(bin: string, commands: CompletableCommand[]): string {
  const visible = commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id))
  const ids = visible.map((c) => c.id.replace(/:/g, ' '))
  const out = [`# ${bin} completion for fish: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish`, `complete -c ${bin} -f`]
  for (const c of visible) {
    out.push(`complete -c ${bin} -n ${q(`not __fish_seen_subcommand_from ${ids.join(' ')}`)} -a ${q(c.id.replace(/:/g, ' '))} -d ${q(firstLine(c.summary ?? c.description))}`)
  }
  for (const c of visible) {
    const when = `-n ${q(`__fish_seen_subcommand_from ${c.id.replace(/:/g, ' ')}`)}`
    for (const [name, f] of Object.entries(c.flags).sort(([a], [b]) => a.localeCompare(b))) {
      if (f.hidden) continue
      const value = f.type === 'option' ? (f.options ? ` -x -a ${q(f.options.join(' '))}` : ' -r -F') : ''
      out.push(`complete -c ${bin} ${when} -l ${name}${f.char ? ` -s ${f.char}` : ''}${value} -d ${q(firstLine(f.summary ?? f.description))}`)
    }
  }
  return out.join('\n') + '\n'
}
