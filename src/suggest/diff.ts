/*
 * `--diff`: unified diff of the values, current → suggested, with secrets redacted on both sides so the
 * diff can be pasted into a ticket.
 */
import {createTwoFilesPatch} from 'diff'
import {stringify} from 'yaml'
import {deepMerge} from './paths.js'
import {redactText, redactValues} from './redact.js'

function yamlOf(v: Record<string, unknown>): string {
  return Object.keys(v).length === 0 ? '' : stringify(redactValues(v), {lineWidth: 0, sortMapEntries: true})
}

/** Diff of user values: what `helm get values` shows now → after `--reuse-values -f overlay`. */
export function valuesDiff(current: Record<string, unknown>, overlay: Record<string, unknown>, labels = {from: 'current values', to: 'suggested values'}): string {
  const after = deepMerge(current, overlay) as Record<string, unknown>
  return createTwoFilesPatch(labels.from, labels.to, yamlOf(current), yamlOf(after), undefined, undefined, {context: 3})
}

/** Diff of a values file before/after --merge (text level, so comments show as unchanged context). */
export function textDiff(name: string, before: string, after: string): string {
  return createTwoFilesPatch(name, name, redactText(before), redactText(after), 'before', 'after', {context: 3})
}
