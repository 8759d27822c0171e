import {defineRule} from '../src/rules/types.js'
import {hasAnyEvidence} from '../src/rules/helpers.js'
import {SINGLE_LINE} from '../src/ingest/evidence.js'

/**
 * Input in which nothing was recognized. An empty report would read as "healthy" at 3 a.m.;
 * this says plainly that nothing was checked, and why each file was passed over.
 */
export default defineRule({
  meta: {
    id: 'no-evidence',
    title: 'Nothing in the input was recognized as Cilium evidence',
    severity: 'high',
    versions: '*',
    needs: [],
    messages: {'nothing-recognized': 'files read, none recognized', 'no-files': 'the input held no files', 'line-not-understood': 'a single pasted line not understood'},
    description: 'Fires when no agent output, cluster object, cilium-cli summary or metric was read: every file was skipped. ' +
      'A single pasted line that no reader understands is said to be not understood (info), not raised as a high alarm: one line is not a failed collection.',
    why: 'Every other rule is then "not evaluated"; a report with no findings would otherwise look like a clean bill of health.',
    fix: 'Give ciltune the outputs themselves: `cilium-dbg status --verbose`, `cilium-dbg service list`, `cilium-dbg map list`, `cilium-dbg metrics list` from an agent, `kubectl get cm cilium-config -o yaml`, `kubectl get nodes -o yaml`, agent logs, or a `cilium sysdump` zip.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    if (hasAnyEvidence(s)) return []
    const lines = s.skipped.filter((x) => x.reason.startsWith(SINGLE_LINE))
    if (lines.length > 0 && lines.length === s.skipped.length) {
      return [{
        severity: 'info',
        messageId: 'line-not-understood',
        message: `${lines.length === 1 ? 'The pasted line was' : `${lines.length} pasted lines were`} not understood: no log format, Cilium output or Kubernetes table ciltune knows. Nothing was judged from it, so this is not a clean bill of health.`,
        agents: [],
        evidence: lines.slice(0, 8).map((x) => ({source: x.path, line: 1, text: x.reason.slice(SINGLE_LINE.length)})),
        helm: [],
        fix: 'Paste the surrounding lines too (the whole agent log, or the full command output), or give the outputs themselves: `cilium-dbg status --verbose`, agent logs, or a `cilium sysdump` zip.',
      }]
    }
    return [{
      messageId: s.skipped.length > 0 ? 'nothing-recognized' : 'no-files',
      message: s.skipped.length > 0
        ? `${s.skipped.length} file(s) read, none recognized: ${s.skipped.slice(0, 3).map((x) => `${x.path} (${x.reason})`).join('; ')}${s.skipped.length > 3 ? '; …' : ''}. No check could run.`
        : 'The input held no files. No check could run.',
      agents: [],
      evidence: s.skipped.slice(0, 8).map((x) => ({source: x.path, line: 0, text: x.reason})),
      helm: [],
      fix: 'Expected cilium-dbg status/service list/map list/metrics output, agent logs, cilium-config, nodes, or a sysdump.',
    }]
  },
})
