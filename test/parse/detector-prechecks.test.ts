import {expect} from 'chai'
import fc from 'fast-check'
import {looksLikeCiliumHealth} from '../../src/parse/cilium-health.js'
import {looksLikeClusterMeshStatus} from '../../src/parse/clustermesh-status.js'
import {controllerFailures, controllerRow} from '../../src/parse/status-controllers.js'

/*
 * Detectors run on every captured file, so they check for the words a pattern needs before running it and
 * stop once the answer is known. The answer must be the one the plain definition gives: these oracles are
 * the definitions as first written, compared on texts made of the pieces the patterns look for.
 */

const MESH_MARKS = [
  /Service "clustermesh-apiserver" of type "\w+" found/, /Deployment clustermesh-apiserver is ready/, /Cluster access information is available:/,
  /(nodes|KVStoreMesh replicas) are (not )?connected to all clusters \[min:/, /🔌 (Cluster Connections:|No cluster connected)/,
  /^\s*- [\w.-]+: \d+\/\d+ configured, \d+\/\d+ connected/m, /Unable to determine status:\s+.*clustermesh/,
  /for deployment clustermesh-apiserver to become ready/, /KVStoreMesh is (enabled|disabled)/,
]
const meshOracle = (head: string) => MESH_MARKS.filter((re) => re.test(head)).length >= 2

const CLIENT_ERROR = /^(?:Error: )?(Cannot get status(?:\/probe)?: .*)$/
const healthClientError = (l: string) => CLIENT_ERROR.test(l) && /health\.sock|status\/probe|v1beta\/status/.test(l)

const meshPiece = fc.constantFrom(
  '✅ Service "clustermesh-apiserver" of type "LoadBalancer" found', 'Service "clustermesh-apiserver" of type "" found',
  'Deployment clustermesh-apiserver is ready', 'Cluster access information is available:', '✅ All 3 nodes are connected to all clusters [min:2 / avg:2.0 / max:2]',
  'KVStoreMesh replicas are not connected to all clusters [min:', '🔌 Cluster Connections:', '🔌 No cluster connected',
  '  - cluster-b: 3/3 configured, 3/3 connected', '- c: 1/2 configured, 0/2 connected', 'Unable to determine status: x clustermesh y',
  'Unable to determine status:clustermesh', 'for deployment clustermesh-apiserver to become ready', 'KVStoreMesh is enabled', 'KVStoreMesh is ',
  '\n', '\n', '  ', 'ID   Frontend   Service Type   Backend', 'clustermesh', ' configured, ',
)

describe('detector pre-checks give the answers of the plain definitions', function () {
  it('looksLikeClusterMeshStatus', function () {
    fc.assert(fc.property(fc.array(meshPiece, {maxLength: 12}), (parts) => {
      const head = parts.join('')
      expect(looksLikeClusterMeshStatus(head), JSON.stringify(head)).to.equal(meshOracle(head))
    }), {numRuns: 2000})
  })

  it('controllerFailures: the failure count controllerRow reads, or undefined where it reads no row', function () {
    const piece = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u2028', '\x01', 'sync-to-k8s-ciliumendpoint (1178)', 'cilium-health-ep', '38s ago', '2m5s ago',
      'never', ' ago', 'ago', '0', '3', '12', '007', 'no error', 'failed: context deadline exceeded', 'x', '(', ')', '\n')
    fc.assert(fc.property(fc.array(piece, {maxLength: 14}), (parts) => {
      const raw = parts.join('')
      const plain = controllerRow(raw, {file: '', line: 0, text: ''})
      expect(controllerFailures(raw), JSON.stringify(raw)).to.equal(plain?.failureCount)
    }), {numRuns: 5000})
  })

  it('looksLikeCiliumHealth: the client error alone, in at most four non-empty lines', function () {
    const piece = fc.constantFrom('\n', '\n', ' ', '\t', '\r', 'command terminated with exit code 1', 'Defaulted container "cilium-agent" out of: a',
      'Error: Cannot get status: Get "http://localhost/v1beta/status/probe": dial unix /var/run/cilium/health.sock: connect: no such file',
      'Cannot get status/probe: Get "http://localhost/v1beta/status/probe": EOF', 'other line')
    fc.assert(fc.property(fc.array(piece, {maxLength: 14}), (parts) => {
      const head = parts.join('')
      const lines = head.split('\n').map((l) => l.trim()).filter((l) => l !== '')
      const oracle = lines.length <= 4 && lines.some(healthClientError)
      expect(looksLikeCiliumHealth(head), JSON.stringify(head)).to.equal(oracle)
    }), {numRuns: 2000})
  })
})
