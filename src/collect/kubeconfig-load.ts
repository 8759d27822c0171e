import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, join} from 'node:path'
import type {KubeConfig} from '@kubernetes/client-node'
import {InputError} from '../util/errors.js'

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

export const NO_KUBECONFIG = 'no kubeconfig: $KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod with a service account; ' +
  'point at one with --kubeconfig FILE or KUBECONFIG=FILE (add --context NAME to pick a cluster), or read saved evidence with --from PATH (`ciltune demo` shows a simulated cluster)'

/**
 * kubectl's loading rules, where client-node differs: files in $KUBECONFIG that do not exist are skipped;
 * the first file to define a cluster, user or context name wins, and so does the first current-context.
 * With nothing at all, say so rather than let client-node fall back to http://localhost:8080.
 */
export function loadKubeconfig(kc: KubeConfig, make: () => KubeConfig, env: NodeJS.ProcessEnv = process.env, home = homedir()): void {
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean)
    const present = files.filter((f) => existsSync(f))
    if (present.length === 0) throw new InputError(`$KUBECONFIG=${env.KUBECONFIG}: none of its files exist; point it (or --kubeconfig) at a kubeconfig file`)
    kc.loadFromFile(present[0])
    for (const file of present.slice(1)) {
      const next = make()
      next.loadFromFile(file)
      for (const c of next.clusters) if (!kc.clusters.some((x) => x.name === c.name)) kc.addCluster(c)
      for (const u of next.users) if (!kc.users.some((x) => x.name === u.name)) kc.addUser(u)
      for (const x of next.contexts) if (!kc.contexts.some((y) => y.name === x.name)) kc.addContext(x)
      if (!kc.currentContext && next.currentContext) kc.setCurrentContext(next.currentContext)
    }
    return
  }
  const config = join(home, '.kube', 'config')
  if (existsSync(config)) return kc.loadFromFile(config)
  // a pod: client-node's in-cluster config (token, ca.crt, KUBERNETES_SERVICE_HOST/PORT); the prefix lets a test
  // or a chroot put the service-account files elsewhere
  const root = env.CILTUNE_SERVICEACCOUNT_ROOT ?? ''
  if (env.KUBERNETES_SERVICE_HOST && existsSync(root + SA_TOKEN)) return kc.loadFromCluster(root)
  throw new InputError(NO_KUBECONFIG)
}
