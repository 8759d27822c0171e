import {z} from 'zod'

/*
 * An alert is typed data: the Prometheus rule itself, where its threshold came from, which ciltune rule documents it,
 * and a failing and a healthy series from which the promtool unit tests are generated. The rule file and its tests
 * come from the same object, so a test cannot drift from the rule it proves.
 */

/** Alert names and label names as Prometheus accepts them. */
const AlertName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
const Duration = z.string().regex(/^\d+[smhd]$/)

/** One input series of a promtool unit test (expanding notation, e.g. "0+10x60"). */
export const TestSeries = z.object({series: z.string().min(1), values: z.string().min(1)})
export type TestSeries = z.infer<typeof TestSeries>

export const AlertCase = z.object({
  series: z.array(TestSeries).min(1),
  // labels the firing alert carries besides alertname and the rule's own labels (the `by (…)` of the expression)
  labels: z.record(z.string(), z.string()),
})

export const AlertDef = z.object({
  alert: AlertName,
  expr: z.string().min(1),
  for: Duration,
  severity: z.enum(['critical', 'warning', 'info']),
  labels: z.record(z.string(), z.string()).optional(), // extra static labels, e.g. the map family of a per-family alert
  summary: z.string().min(1), // templates may use {{ $labels.NAME }} only: the tests expand them exactly
  description: z.string().min(1),
  threshold: z.string().min(1), // where each number in expr came from: evidence, Cilium, the mixin, or a heuristic
  rule: z.string().min(1), // the ciltune rule whose `explain` page is the runbook
  firing: AlertCase,
  healthy: z.array(TestSeries).min(1),
  evalMinutes: z.number().int().positive(), // when the firing case must fire (and the healthy one must not)
})
export type AlertDef = z.infer<typeof AlertDef>

export const AlertGroup = z.object({name: z.string().min(1), alerts: z.array(AlertDef)})
export type AlertGroup = z.infer<typeof AlertGroup>
