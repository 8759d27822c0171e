import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {expectReadOnly} from './read-only.js'
import {kubectl, useKubectlSim} from './kubectl.js'

const MINI = join(import.meta.dirname, 'scenario-mini')

/** Proof that the simulator speaks the real protocol: the machine's own kubectl works against it. */
describe('simulated API server: fidelity with the real kubectl', function () {
  this.timeout(60_000)
  const env = useKubectlSim(MINI)

  it('kubectl get pods -o json lists the agent pods', async () => {
    const r = await kubectl(env.kc, ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=cilium', '-o', 'json'])
    expect(r.stderr).to.equal('')
    expect(r.code).to.equal(0)
    const list = JSON.parse(r.stdout) as {items: Array<{metadata: {name: string}, spec: {nodeName: string}}>}
    expect(list.items.map((p) => p.metadata.name)).to.deep.equal(env.sim.agents.map((a) => a.pod))
    expect(list.items[1].spec.nodeName).to.equal('mini-node-b')
  })

  it('kubectl exec … -- cilium-dbg status --verbose prints the agent status byte for byte (WebSocket v5)', async () => {
    const r = await kubectl(env.kc, ['exec', '-n', 'kube-system', 'cilium-minb2', '-c', 'cilium-agent', '--', 'cilium-dbg', 'status', '--verbose'])
    expect(r.code).to.equal(0)
    expect(r.stdout).to.equal(readFileSync(join(MINI, 'cilium-minb2', 'status.txt'), 'utf8'))
    const exec = env.sim.requests.filter((q) => q.path.endsWith('/exec'))
    expect(exec.at(-1)?.command).to.deep.equal(['cilium-dbg', 'status', '--verbose'])
    expect(exec.at(-1)?.query.container).to.deep.equal(['cilium-agent'])
  })

  it('a failing command reaches kubectl as its exit code, through the status frame', async () => {
    // the crashing agent (no status.txt): its API socket is down, the command exits 1
    const r = await kubectl(env.kc, ['exec', '-n', 'kube-system', 'cilium-mind4', '-c', 'cilium-agent', '--', 'cilium-dbg', 'status', '--verbose'])
    expect(r.code).to.equal(1)
    expect(r.stderr).to.match(/cilium\.sock/)
    expect(r.stderr).to.match(/command terminated with exit code 1/)
  })

  it('kubectl exec of cilium-dbg on a pre-1.15 agent fails as a missing binary, and `cilium` works', async () => {
    const dbg = await kubectl(env.kc, ['exec', '-n', 'kube-system', 'cilium-minc3', '-c', 'cilium-agent', '--', 'cilium-dbg', 'map', 'list'])
    expect(dbg.code).to.not.equal(0)
    expect(dbg.stderr).to.match(/executable file not found/)
    const old = await kubectl(env.kc, ['exec', '-n', 'kube-system', 'cilium-minc3', '-c', 'cilium-agent', '--', 'cilium', 'map', 'list'])
    expect(old.code).to.equal(0)
    expect(old.stdout).to.equal(readFileSync(join(MINI, 'cilium-minc3', 'map-list.txt'), 'utf8'))
  })

  it('everything kubectl sent was a GET (exec is a GET upgrade) of an allowlisted command', () => {
    expectReadOnly(env.sim.requests)
  })
})
