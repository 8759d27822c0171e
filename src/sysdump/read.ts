import type {Collected} from '../ingest/evidence.js'
import {InputError} from '../util/errors.js'

// Replaced by the sysdump reader (issue 6); until then a sysdump is reported, not misread.
export async function collectFromSysdump(path: string): Promise<Collected> {
  throw new InputError(`--from ${path}: reading cilium sysdump archives is not available in this build`)
}
