import {z} from 'zod'
import {Severity} from '../rules/types.js'

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')

/** One suppression: every selector given must match (rule and node, say); reason is required, expiry optional. */
export const Suppression = z.strictObject({
  rule: z.string().optional(), // rule id, e.g. debug-logging
  messageId: z.string().optional(), // one message of a rule, e.g. fatal-oom
  agent: z.string().optional(), // agent pod name
  node: z.string().optional(), // node name
  reason: z.string().min(1),
  expires: z.union([isoDate, z.date().transform((d) => d.toISOString().slice(0, 10))]).optional(),
}).refine((s) => s.rule || s.messageId || s.agent || s.node, {message: 'a suppression needs at least one of rule, messageId, agent, node'})
export type Suppression = z.infer<typeof Suppression>

/** .ciltune.yaml: what a team has decided about its cluster, kept next to its Helm values. */
export const CiltuneConfig = z.strictObject({
  suppress: z.array(Suppression).default([]),
  severity: z.record(z.string(), Severity).default({}), // rule id → severity
})
export type CiltuneConfig = z.infer<typeof CiltuneConfig>
