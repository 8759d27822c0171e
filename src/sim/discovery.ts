/*
 * Discovery documents kubectl reads before it acts (toolchain.md §3). /version must report
 * minor ≥ 30: the machine's kubectl dispatcher picks its client from it, and only 1.30+ exec over WebSocket.
 */

export const VERSION = {
  major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64',
}

interface Res {name: string, kind: string, namespaced: boolean, verbs?: string[]}

const GET = ['get', 'list']

const GROUPS: Record<string, Res[]> = {
  'v1': [
    {name: 'pods', kind: 'Pod', namespaced: true},
    {name: 'pods/exec', kind: 'PodExecOptions', namespaced: true, verbs: ['create', 'get']},
    {name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get']},
    {name: 'pods/proxy', kind: 'PodProxyOptions', namespaced: true, verbs: ['get']},
    {name: 'nodes', kind: 'Node', namespaced: false},
    {name: 'configmaps', kind: 'ConfigMap', namespaced: true},
    {name: 'secrets', kind: 'Secret', namespaced: true},
    {name: 'namespaces', kind: 'Namespace', namespaced: false},
  ],
  'apps/v1': [
    {name: 'daemonsets', kind: 'DaemonSet', namespaced: true},
    {name: 'deployments', kind: 'Deployment', namespaced: true},
  ],
  'cilium.io/v2': [
    {name: 'ciliumendpoints', kind: 'CiliumEndpoint', namespaced: true},
    {name: 'ciliumidentities', kind: 'CiliumIdentity', namespaced: false},
    {name: 'ciliumnodes', kind: 'CiliumNode', namespaced: false},
    {name: 'ciliumlocalredirectpolicies', kind: 'CiliumLocalRedirectPolicy', namespaced: true},
    {name: 'ciliumnodeconfigs', kind: 'CiliumNodeConfig', namespaced: true},
  ],
  'cilium.io/v2alpha1': [
    {name: 'ciliumendpointslices', kind: 'CiliumEndpointSlice', namespaced: false},
  ],
}

function resourceList(gv: string): Record<string, unknown> {
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
    resources: GROUPS[gv].map((r) => ({name: r.name, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? GET})),
  }
}

/** The discovery document at `path`, or undefined when the path is not a discovery path. */
export function discovery(path: string, host: string): Record<string, unknown> | undefined {
  if (path === '/version') return VERSION
  if (path === '/api') return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: host}]}
  if (path === '/api/v1') return resourceList('v1')
  if (path === '/apis') {
    const groups = new Map<string, string[]>()
    for (const gv of Object.keys(GROUPS).filter((g) => g.includes('/'))) {
      const [g, v] = gv.split('/')
      groups.set(g, [...(groups.get(g) ?? []), v])
    }
    return {
      kind: 'APIGroupList', apiVersion: 'v1',
      groups: [...groups].map(([name, vs]) => ({
        name, versions: vs.map((v) => ({groupVersion: `${name}/${v}`, version: v})),
        preferredVersion: {groupVersion: `${name}/${vs[0]}`, version: vs[0]},
      })),
    }
  }
  const m = /^\/apis\/([^/]+\/[^/]+)$/.exec(path)
  if (m && GROUPS[m[1]]) return resourceList(m[1])
  return undefined
}
