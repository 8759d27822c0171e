import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'
import {PROJECT_DIR} from '../helpers/reference.js'

/* deploy/ is a kustomize base: rendered by the real kubectl, then checked for what a CronJob of ciltune needs. */

interface Subject {kind: string, name: string, namespace?: string}
interface Container {
  name: string, image: string, args?: string[]
  resources?: {requests?: Record<string, string>, limits?: Record<string, string>}
  securityContext?: {readOnlyRootFilesystem?: boolean, allowPrivilegeEscalation?: boolean, capabilities?: {drop?: string[]}}
  volumeMounts?: Array<{name: string, mountPath: string}>
}
interface PodSpec {
  serviceAccountName?: string, automountServiceAccountToken?: boolean, restartPolicy?: string
  securityContext?: {runAsNonRoot?: boolean, runAsUser?: number}
  containers: Container[], volumes?: Array<{name: string, emptyDir?: object}>
}
interface Doc {
  kind: string, metadata: {name: string, namespace?: string}
  subjects?: Subject[], roleRef?: {kind: string, name: string}
  spec?: {schedule?: string, concurrencyPolicy?: string, jobTemplate?: {spec: {template: {spec: PodSpec}}}}
}

function kustomize(): Doc[] | undefined {
  const r = spawnSync('kubectl', ['kustomize', join(PROJECT_DIR, 'deploy')], {encoding: 'utf8'})
  if (r.error) return undefined
  expect(r.status, r.stderr).to.equal(0)
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Doc)
}

/** Memory such as "768Mi" or "558 MB" in bytes. */
function bytes(q: string): number {
  const m = /^([\d.]+)\s*(Ki|Mi|Gi|MB|GB)?$/.exec(q.trim())
  if (!m) throw new Error(`not a memory quantity: ${q}`)
  const unit = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, MB: 1e6, GB: 1e9}[m[2] ?? ''] ?? 1
  return Number(m[1]) * unit
}

describe('deploy/ kustomize base', function () {
  this.timeout(60_000)
  let docs: Doc[] = []
  let pod: PodSpec
  let c: Container

  before(function () {
    const out = kustomize()
    if (!out) {
      if (process.env.CI) throw new Error('kubectl not on PATH: the manifests cannot be rendered')
      console.warn('    (skipped: kubectl not installed; `kubectl kustomize deploy/` renders the base)')
      return this.skip()
    }
    docs = out
    const cron = docs.find((d) => d.kind === 'CronJob')
    expect(cron, 'a CronJob').to.not.equal(undefined)
    pod = cron!.spec!.jobTemplate!.spec.template.spec
    c = pod.containers[0]
  })

  it('renders the ServiceAccount, the RBAC of rbac.yaml and one CronJob', () => {
    const kinds = docs.map((d) => d.kind).sort()
    expect(kinds).to.include.members(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'CronJob'])
    expect(docs.filter((d) => d.kind === 'CronJob')).to.have.length(1)
  })

  it('runs as the ServiceAccount the RBAC binds, in the same namespace, with its token mounted', () => {
    const cron = docs.find((d) => d.kind === 'CronJob')!
    const sa = docs.find((d) => d.kind === 'ServiceAccount' && d.metadata.name === pod.serviceAccountName)
    expect(sa, `ServiceAccount ${pod.serviceAccountName}`).to.not.equal(undefined)
    expect(sa!.metadata.namespace).to.equal(cron.metadata.namespace)
    expect(pod.automountServiceAccountToken).to.not.equal(false)
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      const bindings = docs.filter((d) => d.kind === kind && d.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === sa!.metadata.name && s.namespace === sa!.metadata.namespace))
      expect(bindings.length, `${kind} to the ServiceAccount`).to.be.above(0)
      for (const b of bindings) expect(docs.some((d) => d.kind === b.roleRef!.kind && d.metadata.name === b.roleRef!.name), `${b.metadata.name} → ${b.roleRef!.name}`).to.equal(true)
    }
  })

  it('runs ciltune doctor from the image the kustomization names, with flags doctor has', () => {
    const kust = parseAllDocuments(readFileSync(join(PROJECT_DIR, 'deploy', 'kustomization.yaml'), 'utf8'))[0].toJS() as {images: Array<{name: string, newName: string, newTag: string}>}
    const pkg = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as {version: string}
    expect(c.image).to.equal(`${kust.images[0].newName}:${kust.images[0].newTag}`)
    expect(kust.images[0].newTag).to.equal(pkg.version)
    const args = c.args ?? []
    expect(args[0]).to.equal('doctor')
    expect(args).to.include('--fail-on=none') // a Job failing on findings would only be retried
    expect(args.some((a) => a.startsWith('--pushgateway=http'))).to.equal(true)
    const manifest = JSON.parse(readFileSync(join(PROJECT_DIR, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: Record<string, unknown>}>}
    for (const a of args.slice(1)) {
      const flag = /^--([a-z-]+)/.exec(a)?.[1]
      expect(flag && Object.hasOwn(manifest.commands.doctor.flags, flag), `doctor flag ${a}`).to.equal(true)
    }
  })

  it('has requests and limits, the memory limit above the peak the README benchmark measured', () => {
    const req = c.resources?.requests ?? {}
    const lim = c.resources?.limits ?? {}
    expect(req).to.have.keys('cpu', 'memory')
    expect(lim).to.include.keys('memory')
    const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8')
    // "470–499 MB peak RSS": the top of the measured range
    const peak = /live doctor, real-shaped 1000 nodes[^|]*\|[^|]*?(?:[\d.]+–)?([\d.]+ MB) peak RSS/.exec(readme)?.[1]
    expect(peak, 'the README states the 1000-node live peak RSS').to.be.a('string')
    expect(bytes(lim.memory)).to.be.above(bytes(peak!) * 1.2)
    expect(bytes(req.memory)).to.be.at.most(bytes(lim.memory))
  })

  it('is non-root with a read-only root filesystem, /tmp an emptyDir, nothing to escalate', () => {
    expect(pod.securityContext?.runAsNonRoot).to.equal(true)
    expect(pod.securityContext?.runAsUser).to.be.above(0)
    expect(c.securityContext?.readOnlyRootFilesystem).to.equal(true)
    expect(c.securityContext?.allowPrivilegeEscalation).to.equal(false)
    expect(c.securityContext?.capabilities?.drop).to.include('ALL')
    const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp')
    expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, '/tmp emptyDir').to.not.equal(undefined)
    expect(pod.restartPolicy).to.equal('Never')
  })
})

/* Docker cannot build on this machine: the Dockerfile is parsed and its properties checked instead. */
interface Instr {op: string, args: string}

function dockerfile(): Instr[] {
  const text = readFileSync(join(PROJECT_DIR, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ')
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => ({op: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.split(/\s+/)[0].length).trim()}))
}

function stages(instrs: Instr[]): Array<{from: string, name?: string, body: Instr[]}> {
  const out: Array<{from: string, name?: string, body: Instr[]}> = []
  for (const i of instrs) {
    if (i.op === 'FROM') {
      const [from, , name] = i.args.split(/\s+/)
      out.push({from, name, body: []})
    } else {
      out.at(-1)?.body.push(i)
    }
  }
  return out
}

describe('Dockerfile (parsed: docker cannot build here)', () => {
  const all = stages(dockerfile())
  const build = all[0]
  const runtime = all.at(-1)!

  it('is multi-stage: builds with dev dependencies, ships production ones only', () => {
    expect(all.length).to.be.at.least(2)
    expect(build.body.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args))).to.equal(true)
    expect(build.body.some((i) => i.op === 'RUN' && /npm run build/.test(i.args) && /npm prune --omit=dev/.test(i.args))).to.equal(true)
    expect(runtime.body.some((i) => i.op === 'RUN'), 'no RUN in the runtime stage (distroless has no shell)').to.equal(false)
    for (const cp of runtime.body.filter((i) => i.op === 'COPY')) expect(cp.args, cp.args).to.match(new RegExp(`^--from=${build.name}\\s`))
  })

  it('runs on a small runtime image as a numeric non-root user, matching the CronJob', () => {
    expect(runtime.from).to.match(/distroless\/nodejs20-debian12:nonroot$|node:20-(alpine|bookworm-slim)/)
    const user = runtime.body.filter((i) => i.op === 'USER').at(-1)?.args ?? ''
    const uid = Number(user.split(':')[0])
    expect(uid, 'numeric USER so runAsNonRoot can verify it').to.be.above(0)
    const cron = readFileSync(join(PROJECT_DIR, 'deploy', 'cronjob.yaml'), 'utf8')
    expect(cron).to.contain(`runAsUser: ${uid}`)
  })

  it('needs no writable root: HOME is /tmp, which the CronJob mounts as an emptyDir', () => {
    expect(runtime.body.some((i) => i.op === 'ENV' && /\bHOME=\/tmp\b/.test(i.args))).to.equal(true)
    expect(readFileSync(join(PROJECT_DIR, 'deploy', 'cronjob.yaml'), 'utf8')).to.match(/readOnlyRootFilesystem: true[\s\S]*mountPath: \/tmp/)
  })

  it('copies what the CLI loads at run time, and every source it copies exists', () => {
    const copied = runtime.body.filter((i) => i.op === 'COPY').map((i) => i.args.split(/\s+/)[1])
    for (const need of ['/src/package.json', '/src/oclif.manifest.json', '/src/node_modules', '/src/bin', '/src/dist']) expect(copied).to.include(need)
    for (const cp of build.body.filter((i) => i.op === 'COPY')) {
      for (const src of cp.args.split(/\s+/).slice(0, -1)) expect(existsSync(join(PROJECT_DIR, src)), `COPY ${src}`).to.equal(true)
    }
    const entry = JSON.parse(runtime.body.find((i) => i.op === 'ENTRYPOINT')!.args) as string[]
    expect(entry.at(-1)).to.equal('/app/bin/run.js') // exec form: signals reach node
    expect(readFileSync(join(PROJECT_DIR, '.dockerignore'), 'utf8').split('\n')).to.include.members(['node_modules', 'dist'])
  })
})
