import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/*
 * A TLS endpoint with its own certificate authority, as every real API server has (kubeadm's
 * /etc/kubernetes/pki/ca.crt): a CA, and a serving certificate for 127.0.0.1 signed by it.
 * Made with the openssl command line once per process; clients trust it only through the kubeconfig's
 * certificate-authority-data.
 */

export interface SimCert {key: string, cert: string, ca: string}

let cached: SimCert | undefined

export function simCert(): SimCert {
  if (cached) return cached
  const dir = mkdtempSync(join(tmpdir(), 'ciltune-sim-tls-'))
  const f = (n: string) => join(dir, n)
  const ssl = (...args: string[]) => execFileSync('openssl', args, {stdio: ['ignore', 'ignore', 'pipe']})
  try {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=ciltune-sim-ca')
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=kube-apiserver')
    const ext = f('san.ext')
    writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
    ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', ext)
    cached = {key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.crt'), 'utf8'), ca: readFileSync(f('ca.crt'), 'utf8')}
    return cached
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
