import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {discoverPrometheus, discoveryOffer, pickPrometheusServices} from '../../src/collect/prometheus-discover.js'
import type {Fake} from './_fake-servers.js'
import {fakeServer} from './_fake-servers.js'

const svc = (namespace: string, name: string, ports: Array<{name?: string, port: number}>, clusterIP = '10.96.0.50') =>
  ({metadata: {namespace, name}, spec: {clusterIP, ports}})

const services = {
  kind: 'ServiceList',
  items: [
    svc('kube-system', 'kube-dns', [{name: 'dns', port: 53}]),
    svc('monitoring', 'prometheus-operated', [{name: 'web', port: 9090}], 'None'),
    svc('monitoring', 'kps-kube-prometheus-prometheus', [{name: 'http-web', port: 9090}, {name: 'reloader-web', port: 8080}]),
    svc('monitoring', 'kps-kube-prometheus-alertmanager', [{name: 'http-web', port: 9093}]),
    svc('monitoring', 'kps-kube-prometheus-operator', [{name: 'https', port: 443}]),
    svc('cilium-monitoring', 'prometheus', [{name: 'webui', port: 9090}]),
    svc('cilium-monitoring', 'grafana', [{port: 3000}]),
  ],
}

describe('in-cluster Prometheus discovery', () => {
  it('picks the Prometheus services, best first, with API-server and kubectl-proxy URLs', () => {
    const got = pickPrometheusServices(services, 'https://10.0.0.1:6443/')
    expect(got.map((c) => `${c.flavour} ${c.namespace}/${c.name}:${c.port}`)).to.deep.equal([
      'kube-prometheus-stack monitoring/kps-kube-prometheus-prometheus:9090',
      'cilium-monitoring cilium-monitoring/prometheus:9090',
      'prometheus-operated monitoring/prometheus-operated:9090',
    ])
    expect(got[0].proxyUrl).to.equal('https://10.0.0.1:6443/api/v1/namespaces/monitoring/services/kps-kube-prometheus-prometheus:9090/proxy')
    expect(discoveryOffer(got[0])).to.equal('Found kube-prometheus-stack Prometheus monitoring/kps-kube-prometheus-prometheus:9090. To add its metrics, run `kubectl proxy` and rerun with --prometheus-url http://127.0.0.1:8001/api/v1/namespaces/monitoring/services/kps-kube-prometheus-prometheus:9090/proxy')
  })

  it('nothing Prometheus-like, or not a ServiceList: no candidates', () => {
    expect(pickPrometheusServices({items: [services.items[0], services.items[6]]}, 'https://x')).to.deep.equal([])
    expect(pickPrometheusServices('garbage', 'https://x')).to.deep.equal([])
  })

  describe('through the API server (fake on 127.0.0.1, client-node credentials)', function () {
    this.timeout(60_000) // importing client-node takes seconds on a loaded CI box
    let api: Fake
    let dir: string
    let allowed = true
    before(async () => {
      api = await fakeServer((req, res) => {
        if (req.headers.authorization !== 'Bearer t0k' || !allowed) {
          res.writeHead(403, {'content-type': 'application/json'})
          res.end(JSON.stringify({kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403,
            message: 'services is forbidden: User "oncall" cannot list resource "services" in API group "" at the cluster scope'}))
          return
        }
        if (req.url?.startsWith('/api/v1/services')) {
          res.writeHead(200, {'content-type': 'application/json'})
          res.end(JSON.stringify(services))
          return
        }
        res.writeHead(404).end()
      })
      dir = mkdtempSync(join(tmpdir(), 'ciltune-disc-'))
      writeFileSync(join(dir, 'kubeconfig'), [
        'apiVersion: v1', 'kind: Config', 'current-context: t',
        `clusters: [{name: c, cluster: {server: "${api.url}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: u, user: {token: t0k}}]',
        'contexts: [{name: t, context: {cluster: c, user: u}}]',
      ].join('\n'))
    })
    after(async () => {
      await api.close()
      rmSync(dir, {recursive: true, force: true})
    })

    it('lists services in all namespaces with the kubeconfig token', async () => {
      allowed = true
      const d = await discoverPrometheus({kubeconfig: join(dir, 'kubeconfig'), timeoutMs: 5000})
      expect(d.error).to.equal(undefined)
      expect(d.candidates[0].proxyUrl).to.equal(`${api.url}/api/v1/namespaces/monitoring/services/kps-kube-prometheus-prometheus:9090/proxy`)
      expect(api.requests.at(-1)!.path).to.equal('/api/v1/services')
    })

    it('RBAC that forbids listing services: no candidates and one line saying why, no throw', async () => {
      allowed = false
      const d = await discoverPrometheus({kubeconfig: join(dir, 'kubeconfig'), timeoutMs: 5000})
      expect(d.candidates).to.deep.equal([])
      expect(d.error).to.match(/^Prometheus discovery: .*forbidden/i)
      expect(d.error).to.not.include('\n')
    })
  })
})
