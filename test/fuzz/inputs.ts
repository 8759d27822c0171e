import {readdirSync, statSync} from 'node:fs'
import {basename, join} from 'node:path'
import {FIXTURES_DIR, hasReference, REFERENCE_DIR} from '../helpers/reference.js'

/*
 * The real samples the fuzz mutates: every capture in ../shared/reference (not the chart sources or the
 * sysdump zip, which have tests of their own) and the project's fixtures. The fixture scenarios repeat the
 * same file per agent and per scenario; two of each name are enough, and keep ten thousand cases fast.
 */

const MAX_BYTES = 64 * 1024
const NOT_SAMPLES = /\.(md|zip)$|^LICENSE$|^Chart\.yaml$|^values\.schema\.json$/

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e)
    const st = statSync(p)
    if (st.isDirectory()) walk(p, out)
    else if (st.size > 0 && st.size <= MAX_BYTES && !NOT_SAMPLES.test(e)) out.push(p)
  }
}

export function sampleFiles(): string[] {
  const out: string[] = []
  if (hasReference()) walk(REFERENCE_DIR, out)
  const fixtures: string[] = []
  walk(FIXTURES_DIR, fixtures)
  const seen = new Map<string, number>()
  for (const f of fixtures) {
    const n = seen.get(basename(f)) ?? 0
    if (n < 2) out.push(f)
    seen.set(basename(f), n + 1)
  }
  return out
}

export function scenarioDirs(): string[] {
  return readdirSync(FIXTURES_DIR).filter((d) => d.startsWith('synthetic-')).sort().map((d) => join(FIXTURES_DIR, d))
}

export function filesUnder(dir: string): string[] {
  const out: string[] = []
  const visit = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) visit(p)
      else if (!e.endsWith('.md')) out.push(p)
    }
  }
  visit(dir)
  return out
}
