import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {InputError} from '../util/errors.js'
import {CiltuneConfig} from './schema.js'

export const CONFIG_FILE = '.ciltune.yaml'

/** --config FILE, else ./.ciltune.yaml when present, else nothing. A bad file is one line and exit 2. */
export async function loadConfig(explicit: string | undefined, cwd = process.cwd()): Promise<{path?: string, config: CiltuneConfig}> {
  const path = explicit ?? (existsSync(join(cwd, CONFIG_FILE)) ? join(cwd, CONFIG_FILE) : undefined)
  if (!path) return {config: CiltuneConfig.parse({})}
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InputError(`--config ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  const {parse} = await import('yaml')
  let data: unknown
  try {
    data = parse(text) ?? {}
  } catch (error) {
    throw new InputError(`${path}: not YAML (${(error as Error).message.split('\n')[0]})`)
  }
  const parsed = CiltuneConfig.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InputError(`${path}: ${issue.path.join('.') || 'top level'}: ${issue.message} (expected suppress: [{rule|messageId|agent|node, reason, expires?}], severity: {rule-id: critical|high|medium|info})`)
  }
  return {path, config: parsed.data}
}
