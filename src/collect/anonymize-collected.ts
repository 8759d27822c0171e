import type {Collected} from '../ingest/evidence.js'
import {Anonymizer, stringsIn} from '../util/anonymize.js'
import {str} from '../util/anonymize-known.js'
import {helmUserValues} from './write-dir.js'

type Item = {metadata?: {name?: string, namespace?: string}, spec?: {nodeName?: string}, data?: Record<string, unknown>}

function parsed(text: string): {items?: Item[]} & Item {
  try {
    return JSON.parse(text) as {items?: Item[]} & Item
  } catch {
    return {}
  }
}

/**
 * For collect: names from the cluster objects as listed (raw Kubernetes JSON) and every file's text
 * (`texts`, when the files' texts are not in `c`: read back from a capture on disk).
 */
export function anonymizerForCollected(c: Collected, texts?: Iterable<string>): Anonymizer {
  const items = (kind: string) => c.files.filter((f) => f.kind === kind).flatMap((f) => parsed(f.text).items ?? [])
  const config = c.files.filter((f) => f.kind === 'configmap').map((f) => parsed(f.text))
  const helm = c.files.filter((f) => f.kind === 'helm-release').map((f) => helmUserValues(f.text)?.values as {k8sServiceHost?: unknown, cluster?: {name?: unknown}} | undefined)
  const nodes = items('nodes')
  const pods = items('pods')
  return new Anonymizer({
    node: [...nodes.flatMap((n) => str(n.metadata?.name)), ...Object.values(c.agentNodes), ...pods.flatMap((p) => str(p.spec?.nodeName))],
    pod: [...c.agents, ...pods.flatMap((p) => str(p.metadata?.name))],
    namespace: [...pods.flatMap((p) => str(p.metadata?.namespace)), ...config.flatMap((m) => str(m.metadata?.namespace))],
    cluster: [...config.flatMap((m) => str(m.data?.['cluster-name'])), ...helm.flatMap((h) => str(h?.cluster?.name))],
    context: str(c.origin.context),
    host: helm.flatMap((h) => str(h?.k8sServiceHost)),
    texts: (function* () {
      if (texts) yield* texts
      else for (const f of c.files) yield f.text
      yield* stringsIn({e: c.agentErrors, c: c.clusterErrors, s: c.skipped})
    })(),
  })
}
