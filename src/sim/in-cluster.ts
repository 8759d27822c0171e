import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/*
 * What a pod sees of its cluster: /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace} and
 * KUBERNETES_SERVICE_HOST/PORT. The simulator serves https with a certificate signed by that ca.crt and answers
 * only that token, so client-node's in-cluster configuration is exercised end to end on 127.0.0.1.
 */

export const SERVICEACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount'

/** The simulator's side of in-cluster mode, read from one directory: the token, and its serving key and certificate. */
export interface InClusterServing {token: string, key: string, cert: string}

export function readServing(dir: string): InClusterServing {
  const read = (n: string) => readFileSync(join(dir, n), 'utf8')
  return {token: read('token').trim(), key: read('tls.key'), cert: read('tls.crt')}
}

/**
 * Lays out a service-account directory under `root` (root + SERVICEACCOUNT_PATH, as client-node's
 * loadFromCluster(pathPrefix) reads it): a CA of its own, a serving certificate for 127.0.0.1 signed by it
 * (tls.crt/tls.key, which only the simulator reads), a token and a namespace. Needs the openssl command.
 */
export function writeServiceAccount(root: string, opts: {token: string, namespace: string}): string {
  const dir = join(root, SERVICEACCOUNT_PATH)
  mkdirSync(dir, {recursive: true})
  const f = (n: string) => join(dir, n)
  const ssl = (...args: string[]) => execFileSync('openssl', args, {stdio: ['ignore', 'ignore', 'pipe']})
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=ciltune-sim-in-cluster-ca')
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('tls.key'), '-out', f('tls.csr'), '-subj', '/CN=kube-apiserver')
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n')
  ssl('x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('tls.crt'), '-days', '2', '-extfile', f('san.ext'))
  for (const n of ['ca.key', 'tls.csr', 'san.ext', 'ca.srl']) rmSync(f(n), {force: true})
  writeFileSync(f('token'), opts.token, {mode: 0o600})
  writeFileSync(f('namespace'), opts.namespace)
  return dir
}
