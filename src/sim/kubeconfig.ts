import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {stringify} from 'yaml'

/**
 * A kubeconfig for the simulator. Plain http needs `insecure-skip-tls-verify` (client-node refuses
 * http otherwise); kubectl sends no credentials over http, so the simulator accepts anonymous requests.
 */
export function writeKubeconfig(dir: string, server: string, token = 'ciltune-sim-token', ca?: string): string {
  const path = join(dir, 'kubeconfig')
  const config = {
    apiVersion: 'v1', kind: 'Config',
    // over TLS the simulator's own CA is the only one trusted, as with a real cluster's kubeconfig
    clusters: [{name: 'ciltune-sim', cluster: ca ? {server, 'certificate-authority-data': Buffer.from(ca).toString('base64')} : {server, 'insecure-skip-tls-verify': true}}],
    users: [{name: 'ciltune-sim', user: {token}}],
    contexts: [{name: 'ciltune-sim', context: {cluster: 'ciltune-sim', user: 'ciltune-sim', namespace: 'default'}}],
    'current-context': 'ciltune-sim',
  }
  writeFileSync(path, stringify(config), {mode: 0o600})
  return path
}
