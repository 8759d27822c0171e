import type {Finding} from '../rules/types.js'
import {docUrl, findingCode, ruleCode} from './codes.js'
import type {ReportFinding} from './model.js'

/**
 * The same problem on the next run: rule, message and title with every number masked
 * (a map at 91% today and 96% tomorrow is one problem). Used by --baseline and SARIF partialFingerprints.
 */
export function fingerprint(f: Pick<Finding, 'id' | 'title'> & {messageId?: string}): string {
  return [f.id, f.messageId ?? '', f.title.replace(/\d+(?:[.,]\d+)*/g, '#')].join('|')
}

export function toReportFinding(f: Finding): ReportFinding {
  const code = findingCode(f.id, f.messageId)
  // A message's code is documented under its rule's heading (messages are many and named at run time).
  return {...f, code, docUrl: docUrl(ruleCode(f.id)), fingerprint: fingerprint(f)}
}
