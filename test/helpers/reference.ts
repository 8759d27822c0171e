import {existsSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/** ../shared/reference beside the project: real Cilium outputs, read in place, never copied. */
export const REFERENCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'reference')
export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES_DIR = join(PROJECT_DIR, 'fixtures')

export function hasReference(): boolean {
  return existsSync(REFERENCE_DIR)
}

/** Call inside a mocha `before`/`it` with `this`: skips with a clear message when ../shared/reference is absent. */
export function requireReference(ctx: Mocha.Context): void {
  if (!hasReference()) {
    console.log(`    (skipped: ${REFERENCE_DIR} is absent; real-sample tests need ../shared/reference)`)
    ctx.skip()
  }
}

export function readReference(name: string): string {
  return readFileSync(join(REFERENCE_DIR, name), 'utf8')
}
