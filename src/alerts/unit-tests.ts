import {stringify} from 'yaml'
import {toPromRule} from './build.js'
import type {AlertDef, AlertGroup} from './schema.js'

/*
 * promtool unit tests from the same definitions as the rules: per alert, its failing series must fire it with exactly
 * the expected labels and annotations, and its healthy series must not. Annotations may only use {{ $labels.X }},
 * so the expected text is the template with those labels filled in.
 */

function expand(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => labels[name] ?? '')
}

function firingTest(a: AlertDef): object {
  const rule = toPromRule(a)
  const labels = {...a.firing.labels, ...rule.labels}
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, labels)]))
  return {
    name: `${a.alert}${a.labels?.map_family ? ` ${a.labels.map_family}` : ''} fires on a failing series`,
    interval: '1m',
    input_series: a.firing.series,
    alert_rule_test: [{eval_time: `${a.evalMinutes}m`, alertname: a.alert, exp_alerts: [{exp_labels: labels, exp_annotations: annotations}]}],
  }
}

function healthyTest(a: AlertDef): object {
  return {
    name: `${a.alert}${a.labels?.map_family ? ` ${a.labels.map_family}` : ''} stays quiet on a healthy series`,
    interval: '1m',
    input_series: a.healthy,
    alert_rule_test: [{eval_time: `${a.evalMinutes}m`, alertname: a.alert, exp_alerts: []}],
  }
}

/** A `promtool test rules` file for the rule file at `ruleFile` (relative to the test file). */
export function renderUnitTests(groups: AlertGroup[], ruleFile: string): string {
  const tests = groups.flatMap((g) => g.alerts.flatMap((a) => [firingTest(a), healthyTest(a)]))
  return stringify({rule_files: [ruleFile], evaluation_interval: '1m', tests}, {lineWidth: 0})
}
