import type {Exec, KubeConfig} from '@kubernetes/client-node'
import type {WebSocketHandler} from '@kubernetes/client-node/dist/web-socket-handler.js'

/** The parts of @kubernetes/client-node that collection uses. */
export interface KubeLib {
  KubeConfig: typeof KubeConfig
  Exec: typeof Exec
  WebSocketHandler: typeof WebSocketHandler
}

/*
 * The built CLI loads client-node from dist/vendor/kube-client.js (scripts/bundle-kube.mjs): the same
 * code without the generated API and model classes, which importing the package loads whole (28 MB of
 * heap, 75 MB of RSS, 0.7 s). A built CLI without the bundle is broken and says so; run from the sources
 * (tests, benches under tsx), the package itself is loaded.
 */
// built code runs from dist/src/collect/ or from a chunk of the CLI bundle in dist/cli/ (scripts/bundle-cli.mjs)
const BUILT = /\/dist\/(?:src\/collect|cli)\/[^/]+\.js$/.exec(import.meta.url)
const BUNDLE = BUILT ? new URL('vendor/kube-client.js', import.meta.url.slice(0, BUILT.index + '/dist/'.length)) : undefined

export async function kubeLib(): Promise<KubeLib> {
  if (BUNDLE) return await import(BUNDLE.href) as KubeLib
  const [k8s, {WebSocketHandler}] = await Promise.all([import('@kubernetes/client-node'), import('@kubernetes/client-node/dist/web-socket-handler.js')])
  return {KubeConfig: k8s.KubeConfig, Exec: k8s.Exec, WebSocketHandler}
}
