import {readdirSync, realpathSync, statSync} from 'node:fs'
import {join, relative, sep} from 'node:path'

/*
 * The files of a --from directory. Captures are often assembled with links (a shared cilium-config linked
 * into each agent folder, `latest -> run-42`): a symbolic link is followed when its target lies inside
 * the directory given, and listed as skipped otherwise, never dropped silently and never followed out of
 * the tree the user named (a capture from a ticket can hold a link to /etc/shadow or ~/.kube/config).
 */

export interface Walked {
  files: string[]
  skipped: Array<{path: string, reason: string}>
}

// the order localeCompare gives, from one collator: localeCompare looks the locale up on every call
const byName = new Intl.Collator()

// links can multiply a tree (ten links to a folder holding ten links …): the walk stops at this many files
const MAX_FILES = 100_000

function inside(root: string, target: string): boolean {
  const rel = relative(root, target)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep))
}

export function walkDir(dir: string): Walked {
  const out: Walked = {files: [], skipped: []}
  const root = realpathSync(dir)
  let full = false
  const add = (p: string) => {
    if (out.files.length < MAX_FILES) return void out.files.push(p)
    if (!full) out.skipped.push({path: relative(dir, p), reason: `more than ${MAX_FILES} files (links multiply the tree); this and later files not read`})
    full = true
  }
  // `up`: the real directories from the root to here, so a link back up (a loop) is not walked again;
  // `real`: d's real path. A directory entry that is not a link is real beside it: no realpath call per folder.
  const visit = (d: string, real: string, up: Set<string>) => {
    for (const entry of readdirSync(d, {withFileTypes: true}).sort((a, b) => byName.compare(a.name, b.name))) {
      if (entry.name.startsWith('.') || full) continue
      const p = join(d, entry.name)
      if (entry.isDirectory()) {
        const r = join(real, entry.name)
        visit(p, r, new Set([...up, r]))
      } else if (entry.isFile()) add(p)
      else if (entry.isSymbolicLink()) link(p, up)
    }
  }
  const link = (p: string, up: Set<string>) => {
    const shown = relative(dir, p)
    let real: string
    try {
      real = realpathSync(p)
    } catch {
      return void out.skipped.push({path: shown, reason: 'symbolic link to nothing (broken); not read'})
    }
    if (!inside(root, real)) return void out.skipped.push({path: shown, reason: 'symbolic link to a path outside the directory given; not followed'})
    const st = statSync(real)
    if (st.isFile()) add(p)
    else if (st.isDirectory() && up.has(real)) out.skipped.push({path: shown, reason: 'symbolic link to a folder that holds it (a loop); not followed again'})
    else if (st.isDirectory()) visit(p, real, new Set([...up, real]))
  }
  visit(dir, root, new Set([root]))
  return out
}
