import {defineRule} from '../src/rules/types.js'
import {hasAnyEvidence} from '../src/rules/helpers.js'

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
    messages: {'nothing-recognized': 'files read, none recognized', 'no-files': 'the input held no files'},
    description: 'Fires when no agent output, cluster object, cilium-cli summary or metric was read: every file was skipped.',
    why: 'Every other rule is then "not evaluated"; a report with no findings would otherwise look like a clean bill of health.',
    fix: 'Give ciltune the outputs themselves: `cilium-dbg status --verbose`, `cilium-dbg service list`, `cilium-dbg map list`, `cilium-dbg metrics list` from an agent, `kubectl get cm cilium-config -o yaml`, `kubectl get nodes -o yaml`, agent logs, or a `cilium sysdump` zip.',
    sources: [
      'https://docs.cilium.io/en/stable/operations/troubleshooting/',
    ],
  },
  check(ctx) {
    const s = ctx.snapshot
    if (hasAnyEvidence(s)) return []
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
