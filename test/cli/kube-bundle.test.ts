import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {PROJECT_DIR} from '../helpers/reference.js'
import {runProcess} from '../helpers/spawn.js'

// The built CLI loads client-node from the build's tree-shaken bundle (scripts/bundle-kube.mjs), not the
// package whose index loads every generated API class. `npm test` builds first.

const BUNDLE = join(PROJECT_DIR, 'dist', 'vendor', 'kube-client.js')

describe('client-node bundle of the built CLI (dist/vendor/kube-client.js)', function () {
  this.timeout(60_000)

  it('is what the built collector loads: the same KubeConfig, Exec and WebSocketHandler, working', async () => {
    const lib = pathToFileURL(join(PROJECT_DIR, 'dist', 'src', 'collect', 'kube-lib.js')).href
    const script = `
      const {kubeLib} = await import(${JSON.stringify(lib)})
      const k = await kubeLib()
      const b = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)})
      const kc = new k.KubeConfig()
      kc.loadFromString('apiVersion: v1\\nkind: Config\\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\\nusers: [{name: u, user: {token: t}}]\\ncontexts: [{name: x, context: {cluster: c, user: u}}]\\ncurrent-context: x\\n')
      const opts = {}
      await kc.applyToHTTPSOptions(opts)
      console.log(JSON.stringify({same: k.KubeConfig === b.KubeConfig && k.Exec === b.Exec && k.WebSocketHandler === b.WebSocketHandler, server: kc.getCurrentCluster().server, auth: opts.headers?.Authorization}))`
    const r = await runProcess(process.execPath, ['--input-type=module', '-e', script], {cwd: PROJECT_DIR, env: process.env})
    expect(r.stderr).to.equal('')
    expect(JSON.parse(r.stdout)).to.deep.equal({same: true, server: 'https://127.0.0.1:6443', auth: 'Bearer t'})
  })

  it('leaves out the generated API classes that importing the package loads', () => {
    const bundle = readFileSync(BUNDLE, 'utf8')
    const pkg = readFileSync(join(PROJECT_DIR, 'node_modules', '@kubernetes', 'client-node', 'dist', 'gen', 'apis', 'CoreV1Api.js'), 'utf8')
    expect(pkg).to.include('class CoreV1ApiRequestFactory')
    expect(bundle).to.not.include('class CoreV1ApiRequestFactory')
    expect(bundle).to.match(/class _?KubeConfig\b/)
  })
})
