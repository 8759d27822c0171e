import {docUrl, ruleCode} from '../report/codes.js'
import type {AlertFacts} from './facts.js'
import {apiserverAlerts} from './families/apiserver.js'
import {capacityAlerts} from './families/capacity.js'
import {dropAlerts} from './families/drops.js'
import {encryptionAlerts} from './families/encryption.js'
import {healthAlerts} from './families/health.js'
import {mapAlerts} from './families/maps.js'
import {AlertGroup} from './schema.js'

/** Every alert family sized from these facts, each group checked against the schema once. */
export function alertGroups(facts: AlertFacts): AlertGroup[] {
  const groups = [mapAlerts(facts), dropAlerts(facts), healthAlerts(facts), capacityAlerts(facts), apiserverAlerts(facts), encryptionAlerts(facts)]
  return groups.filter((g): g is AlertGroup => g !== undefined).map((g) => AlertGroup.parse(g))
}

export interface PromRule {
  alert: string
  expr: string
  for: string
  labels: Record<string, string>
  annotations: Record<string, string>
}

/** The Prometheus rule of one definition: runbook_url to the ciltune explain page of the rule it belongs to. */
export function toPromRule(a: AlertGroup['alerts'][number]): PromRule {
  return {
    alert: a.alert,
    expr: a.expr,
    for: a.for,
    labels: {severity: a.severity, ...a.labels},
    annotations: {summary: a.summary, description: a.description, threshold: a.threshold, runbook_url: docUrl(ruleCode(a.rule))},
  }
}
