/*
 * The target release's needs against the cluster: each node's kernel (NodeList) and the Kubernetes version
 * the agents report. What ciltune does not know for the target, or what the evidence lacks, is "not
 * evaluated" with the reason, never a pass.
 */
import {minorOf, REQUIREMENTS} from '../cilium/charts/index.js'
import {compareVersions, parseVersion} from '../cilium/version.js'
import type {Evidence, Finding, RuleOutcome} from '../rules/types.js'
import type {Snapshot} from '../snapshot/schema.js'
import {upgradeFinding} from './checks.js'

export interface RequirementsCheck {
  findings: Finding[]
  /** Why a part could not be judged, for the coverage list. */
  notEvaluated: string[]
}

const RHEL8 = /^4\.18\.0-.*\.el8/

function kernelFindings(s: Snapshot, target: string): {findings: Finding[], reason?: string} {
  const req = REQUIREMENTS[minorOf(target)]?.kernel
  if (!req) return {findings: [], reason: `ciltune has no kernel requirement on record for ${minorOf(target)}`}
  const nodes = (s.cluster.nodes ?? []).filter((n) => parseVersion(n.kernel) !== undefined)
  if (nodes.length === 0) return {findings: [], reason: 'no NodeList with kernel versions in the evidence'}
  const min = parseVersion(req.min)!
  const old = nodes.filter((n) => !RHEL8.test(n.kernel!) && compareVersions(parseVersion(n.kernel)!, min) < 0)
  const rhel = nodes.filter((n) => RHEL8.test(n.kernel!))
  const caveat = req.caveat ? ` (${req.caveat})` : ''
  const ev = (ns: typeof nodes): Evidence[] => ns.slice(0, 10).map((n) => ({source: n.src.file, line: n.src.line, text: `${n.name}: kernelVersion ${n.kernel}`}))
  const findings: Finding[] = []
  if (old.length > 0) {
    findings.push(upgradeFinding('upgrade-requirements', 'kernel-too-old', {
      severity: 'high',
      title: `${old.length} node(s) run a kernel older than ${req.min}, which ${minorOf(target)} needs`,
      message: `Cilium ${minorOf(target)} needs Linux ${req.min} or newer${req.rhel ? ` (or ${req.rhel})` : ''}; ${old.map((n) => `${n.name} runs ${n.kernel}`).slice(0, 5).join(', ')}${old.length > 5 ? ` and ${old.length - 5} more` : ''}. Source: ${req.url}${caveat}.`,
      evidence: ev(old),
      fix: `upgrade these nodes' kernels before upgrading Cilium to ${minorOf(target)}`,
    }))
  }
  if (rhel.length > 0) {
    findings.push(upgradeFinding('upgrade-requirements', 'kernel-rhel', {
      severity: 'info',
      title: `${rhel.length} node(s) run a RHEL 8 kernel`,
      message: `${rhel.map((n) => `${n.name} (${n.kernel})`).slice(0, 5).join(', ')}: ${req.rhel ? `the docs accept ${req.rhel} as equivalent to Linux ${req.min}; check the nodes' RHEL minor release` : `the docs ciltune has name no RHEL equivalent of Linux ${req.min} for ${minorOf(target)}`}. Source: ${req.url}.`,
      evidence: ev(rhel),
    }))
  }
  return {findings}
}

/** The Kubernetes version as the agents report it ("Kubernetes: Ok 1.31 (v1.31.6) …"). */
function kubernetesVersion(s: Snapshot): {version: string, evidence: Evidence} | undefined {
  for (const a of s.agents) {
    const k = a.status?.kubernetes
    const m = k ? /v?(\d+\.\d+)(?:\.\d+)?/.exec(k.message) : undefined
    if (k && m) return {version: m[1], evidence: {source: k.src.file, line: k.src.line, text: k.src.text}}
  }
  if (s.cluster.kubernetesVersion) {
    const v = minorOf(s.cluster.kubernetesVersion)
    return {version: v, evidence: {source: 'cluster', line: 0, text: `kubernetes ${s.cluster.kubernetesVersion}`}}
  }
  return undefined
}

function kubernetesFindings(s: Snapshot, target: string): {findings: Finding[], reason?: string} {
  const req = REQUIREMENTS[minorOf(target)]?.kubernetes
  if (!req) return {findings: [], reason: `ciltune has no list of Kubernetes versions ${minorOf(target)} is tested against`}
  const k8s = kubernetesVersion(s)
  if (!k8s) return {findings: [], reason: 'the Kubernetes version is not in the evidence (no agent status)'}
  if (req.tested.includes(k8s.version)) return {findings: []}
  return {findings: [upgradeFinding('upgrade-requirements', 'kubernetes-untested', {
    severity: 'medium',
    title: `Kubernetes ${k8s.version} is not among the versions ${minorOf(target)} is tested against`,
    message: `Cilium ${minorOf(target)} is e2e-tested against Kubernetes ${req.tested.join(', ')}; the cluster runs ${k8s.version}. Untested is not known-broken, but it is outside what the release guarantees. Source: ${req.url}${req.caveat ? ` (${req.caveat})` : ''}.`,
    evidence: [k8s.evidence],
  })]}
}

export function checkRequirements(s: Snapshot, target: string): RequirementsCheck & {outcome: RuleOutcome} {
  const kernel = kernelFindings(s, target)
  const k8s = kubernetesFindings(s, target)
  const findings = [...kernel.findings, ...k8s.findings]
  const notEvaluated = [kernel.reason, k8s.reason].filter((r): r is string => r !== undefined)
  const result: RuleOutcome['result'] = findings.length > 0 ? 'fired' : notEvaluated.length === 2 ? 'not-evaluated' : 'passed'
  return {findings, notEvaluated, outcome: {id: 'upgrade-requirements', result, ...(notEvaluated.length > 0 ? {reason: notEvaluated.join('; ')} : {})}}
}
