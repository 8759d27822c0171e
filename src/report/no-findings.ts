import type {Report} from './model.js'

/**
 * The line where findings would be when there are none. "No findings." only when the checks could
 * run; when most could not (a lone NodeList, a lone operator Deployment), the report says why there
 * is no verdict instead, so an empty list never reads as healthy.
 */
export function noFindingsLine(r: Report): string {
  if (r.summary.noVerdict) return r.summary.noVerdict
  return r.baseline ? 'No new findings.' : 'No findings.'
}
