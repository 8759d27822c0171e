import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/** ciltune's own version, from the package.json above this file (works from src/ under tsx and from dist/). */
export function toolVersion(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json')
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as {name?: string, version?: string}
      if (pkg.name === 'ciltune') return (cached = pkg.version ?? '0.0.0')
    }
    dir = dirname(dir)
  }
  return (cached = '0.0.0')
}
