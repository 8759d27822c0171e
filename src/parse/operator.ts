import type {z} from 'zod'
import {readK8sDoc} from './k8s-object.js'
import type {Operator} from '../snapshot/schema.js'
import {splitLines, src} from './text.js'

type OperatorT = z.infer<typeof Operator>

/** The cilium-operator Deployment (`kubectl get deploy cilium-operator -o yaml|json`): replicas and readiness. */
export function parseOperator(text: string, file: string): OperatorT | undefined {
  // the readers every Kubernetes object goes through (JSON or YAML; undefined when unreadable)
  const doc = readK8sDoc(text)?.value
  const d = doc as {kind?: string, spec?: {replicas?: number, template?: {spec?: {containers?: Array<{image?: string}>}}}, status?: {readyReplicas?: number, availableReplicas?: number, replicas?: number}}
  if (!d || d.kind !== 'Deployment') return undefined
  const lines = splitLines(text)
  const idx = lines.findIndex((l) => /readyReplicas|"?replicas"?:/.test(l))
  return {
    desired: d.spec?.replicas ?? d.status?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    ...(d.status?.availableReplicas === undefined ? {} : {available: d.status.availableReplicas}),
    ...(d.spec?.template?.spec?.containers?.[0]?.image ? {image: d.spec.template.spec.containers[0].image} : {}),
    src: src(file, idx + 1, idx >= 0 ? lines[idx] : ''),
  }
}
