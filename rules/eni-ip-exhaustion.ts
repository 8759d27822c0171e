import {ENI_CONDITIONS} from '../src/logs/catalog-eni.js'
import {conditionOf, type LogCondition} from '../src/logs/catalog.js'
import {logEntries, type AgentLogEntry} from '../src/logs/entries.js'
import {integrationMode} from '../src/cilium/modes.js'
import {logSourcePhrase, capEvidence, configText, distinctEvidence, ev, groupBy, nameList} from '../src/rules/helpers.js'
import type {CheckResult} from '../src/rules/types.js'
import {defineRule} from '../src/rules/types.js'

const ID = 'eni-ip-exhaustion'
const REPORTED = ENI_CONDITIONS.filter((c) => !c.benign)

/** The node the operator line is about: its name= field. */
function nodeOf(line: string): string | undefined {
  return /\bname=("?)([^"\s]+)\1/.exec(line)?.[2]
}

function finding(c: LogCondition, list: AgentLogEntry[], mode: string): CheckResult {
  const nodes = [...new Set(list.map((l) => nodeOf(l.entry.src.text)).filter((n): n is string => n !== undefined))]
  const where = nodes.length > 0 ? `node${nodes.length === 1 ? '' : 's'} ${nameList(nodes)}` : 'nodes the lines do not name'
  return {
    severity: c.severity,
    title: c.title,
    messageId: c.id,
    message: `${c.title} (${mode} IPAM) for ${where}, in ${list.length} line${list.length === 1 ? '' : 's'} of ${logSourcePhrase(list)}: ${c.reading}.`,
    agents: [],
    evidence: capEvidence(distinctEvidence(list.map((l) => ev(l.entry.src)))),
    helm: [],
    fix: `${c.fix(list[0].entry.src.text)} (${c.url})`,
  }
}

export default defineRule({
  meta: {
    id: ID,
    title: 'Cloud IPAM cannot give nodes more pod addresses',
    severity: 'critical',
    versions: '*',
    needs: [['logs']],
    messages: Object.fromEntries(REPORTED.map((c) => [c.id, c.title])),
    description: 'In ENI (AWS), Azure or Alibaba Cloud IPAM the operator attaches interfaces and addresses per node. Reads its lines: "Instance is out of interfaces" (the node is at its instance type\'s limit; a capacity note), a refused interface or address with the cloud\'s limit code (AttachmentLimitExceeded, IpAddressLimitExceeded, EniPerInstanceLimitExceeded), and subnets without free addresses (InsufficientFreeAddressesInSubnet). "Unable to assign additional IPs to interface, will create new interface" alone is expected and not reported.',
    why: 'A node that cannot get more addresses leaves new pods in ContainerCreating with "No more IPs available"; a subnet without addresses does that to every node.',
    fix: 'Per condition: more or larger subnets for pods, prefix delegation (Nitro), larger instance types or a lower maxPods. Cluster-pool fixes (pod CIDR lists, mask sizes) do not apply in these modes.',
    prerequisites: 'ipam: eni, azure or alibabacloud (not applicable when cilium-config names another IPAM mode)',
    sources: [
      'https://docs.cilium.io/en/stable/network/concepts/ipam/eni/',
      'https://github.com/cilium/cilium/blob/main/pkg/ipam/node.go',
      'https://github.com/cilium/cilium/issues/8830',
      'https://github.com/cilium/cilium/issues/9730',
      'https://github.com/cilium/cilium/issues/36428',
      'https://github.com/cilium/cilium/issues/42092',
    ],
  },
  check(ctx) {
    const ipam = configText(ctx.snapshot, 'ipam')?.value.trim()
    const mode = integrationMode(ctx.snapshot).ipam?.mode
    if (ipam !== undefined && ipam !== '' && (mode === undefined || mode === 'delegated-plugin')) ctx.notApplicable(`ipam: ${ipam}: the operator does not manage cloud interfaces in this mode`)
    const matched: Array<AgentLogEntry & {c: LogCondition}> = []
    for (const l of logEntries(ctx.snapshot)) {
      const c = conditionOf(l.entry.msg, l.entry.src.text)
      if (c?.reportedBy === ID && !c.benign) matched.push({...l, c})
    }
    return [...groupBy(matched, (m) => m.c.id).values()].map((list) => finding(list[0].c, list, mode ?? 'cloud'))
  },
})
