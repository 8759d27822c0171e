import {extname} from 'node:path'
import {InputError} from '../util/errors.js'

/**
 * -o/--output has one meaning everywhere: a format name prints that format on stdout (kubectl style);
 * anything else must be a file name whose extension says the format, and is written. So `-o json` never
 * creates a file called "json", and `-o values.yaml` keeps writing values.yaml.
 */
export function parseOutput<F extends string>(value: string, formats: readonly F[], formatForFile: (path: string) => F | undefined): {format: F, file?: string} {
  if ((formats as readonly string[]).includes(value)) return {format: value as F}
  const byExt = formatForFile(value)
  if (byExt) return {format: byExt, file: value}
  const why = extname(value) ? `the extension ${extname(value)} names no format` : 'not a format name'
  throw new InputError(`-o ${value}: ${why}; expected one of ${formats.join(', ')}, or a file name ending in an extension of one (e.g. report.${formats.includes('json' as F) ? 'json' : formats[0]})`)
}
