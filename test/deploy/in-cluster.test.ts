import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {writeServiceAccount} from '../../src/sim/in-cluster.js'
import {startSimCluster, type SimCluster} from '../../src/sim/server.js'
import {cli} from '../helpers/cli.js'
import {FIXTURES_DIR} from '../helpers/reference.js'
import {expectReadOnly} from '../sim/read-only.js'

const TOKEN = 'sim-sa-token-4f1c'

/** A pod's view: no kubeconfig anywhere, only the service account files and the Service env. */
function podEnv(root: string, home: string, port: number): NodeJS.ProcessEnv {
  return {KUBECONFIG: '', HOME: home, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port), CILTUNE_SERVICEACCOUNT_ROOT: root}
}

describe('in-cluster: service-account token, CA and KUBERNETES_SERVICE_* against the simulator over TLS', function () {
  this.timeout(120_000)
  let root = ''
  let home = ''
  let saDir = ''
  let sim: SimCluster | undefined

  before(function () {
    if (spawnSync('openssl', ['version']).status !== 0) {
      console.warn('    (skipped: the openssl command is needed to make the simulator\'s CA)')
      this.skip()
    }
    root = mkdtempSync(join(tmpdir(), 'ciltune-pod-'))
    home = mkdtempSync(join(tmpdir(), 'ciltune-home-'))
    saDir = writeServiceAccount(root, {token: TOKEN, namespace: 'kube-system'})
  })
  afterEach(async () => {
    await sim?.stop()
    sim = undefined
  })
  after(() => {
    for (const d of [root, home]) if (d) rmSync(d, {recursive: true, force: true})
  })

  it('doctor reads every agent with the token and the CA, read-only, with no kubeconfig', async () => {
    sim = await startSimCluster({scenarioDir: join(FIXTURES_DIR, 'synthetic-lb4-pressure'), serviceAccountDir: saDir})
    expect(sim.url).to.match(/^https:\/\//)
    const r = await cli(['doctor', '-o', 'json', '--fail-on', 'none', '--quiet'], podEnv(root, home, sim.port))
    expect(r.code, r.stderr).to.equal(0)
    const report = JSON.parse(r.stdout) as {source: {kind: string}, coverage: {agents: {total: number, withStatus: number}}, findings: Array<{id: string}>}
    expect(report.source.kind).to.equal('live')
    expect(report.coverage.agents).to.include({total: 3, withStatus: 3})
    expect(report.findings.map((f) => f.id)).to.include('bpf-map-pressure')
    expect(sim.requests.some((q) => q.upgrade && q.path.endsWith('/exec'))).to.equal(true) // exec over wss worked too
    expectReadOnly(sim.requests)
  })

  it('a wrong token is one line, exit 2, and the token is not printed', async () => {
    sim = await startSimCluster({scenarioDir: join(FIXTURES_DIR, 'synthetic-healthy'), serviceAccountDir: saDir})
    const other = mkdtempSync(join(tmpdir(), 'ciltune-pod-'))
    try {
      const dir = writeServiceAccount(other, {token: 'not-the-token', namespace: 'kube-system'})
      // the right CA, the wrong token: only the token is at fault
      writeFileSync(join(dir, 'ca.crt'), (await import('node:fs')).readFileSync(join(saDir, 'ca.crt')))
      const r = await cli(['doctor', '-o', 'json', '--quiet'], podEnv(other, home, sim.port))
      expect(r.code).to.equal(2)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.match(/401|[Uu]nauthori[sz]ed/)
      expect(r.stderr).to.not.contain('not-the-token')
    } finally {
      rmSync(other, {recursive: true, force: true})
    }
  })

  it('a server certificate not signed by the pod\'s CA is refused in one line, never sent the token', async () => {
    sim = await startSimCluster({scenarioDir: join(FIXTURES_DIR, 'synthetic-healthy'), serviceAccountDir: saDir})
    const other = mkdtempSync(join(tmpdir(), 'ciltune-pod-'))
    try {
      writeServiceAccount(other, {token: TOKEN, namespace: 'kube-system'}) // a CA of its own
      const r = await cli(['doctor', '-o', 'json', '--quiet'], podEnv(other, home, sim.port))
      expect(r.code).to.equal(2)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.match(/certificate|self.signed|verify/i)
      expect(sim.requests).to.have.length(0) // the TLS handshake failed before any request was made
    } finally {
      rmSync(other, {recursive: true, force: true})
    }
  })
})
