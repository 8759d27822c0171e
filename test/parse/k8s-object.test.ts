import {expect} from 'chai'
import {objectKind, objectsOfKind, readK8sDoc} from '../../src/parse/k8s-object.js'

describe('k8s-object', function () {
  it('readK8sDoc: key lines in YAML and JSON, 0 for absent paths', function () {
    const y = readK8sDoc('apiVersion: v1\nitems:\n- kind: Node\n  metadata:\n    name: a\nkind: List\n')!
    expect(y.lineOf(['items', 0, 'metadata', 'name'])).to.equal(5)
    expect(y.lineOf(['items', 1])).to.equal(0)
    expect(y.lineOf(['nope'])).to.equal(0)
    const j = readK8sDoc('{\n  "kind": "Node",\n  "metadata": {\n    "name": "a"\n  }\n}')!
    expect(j.lineOf(['metadata', 'name'])).to.equal(4)
    expect(objectsOfKind(j, 'Node')).to.have.length(1)
  })

  it('readK8sDoc: unreadable text gives undefined', function () {
    expect(readK8sDoc('{ "a": ')).to.equal(undefined)
    expect(readK8sDoc('a: [1, 2\n')).to.equal(undefined)
  })

  it('objectKind: top kind, list item kind, typed lists, nested kinds ignored', function () {
    expect(objectKind('apiVersion: v1\nkind: ConfigMap\n')).to.equal('ConfigMap')
    expect(objectKind('apiVersion: v1\nitems:\n- apiVersion: v1\n  involvedObject:\n    kind: Pod\n  kind: Event\nkind: List\n')).to.equal('Event')
    expect(objectKind(JSON.stringify({apiVersion: 'v1', items: [{involvedObject: {kind: 'Pod'}, kind: 'Event'}], kind: 'List'}))).to.equal('Event')
    expect(objectKind(JSON.stringify({apiVersion: 'v1', items: [], kind: 'NodeList'}))).to.equal('Node')
    expect(objectKind('{\n    "apiVersion": "v1",\n    "items": [\n        {\n            "kind": "Pod",')).to.equal('Pod') // cut-off JSON
    expect(objectKind('bpf:\n  lbMapMax: 1\n')).to.equal(undefined)
  })
})

describe('k8s-object: indented kinds outside lists', function () {
  it('a values file with a nested kind: is no Kubernetes object', function () {
    expect(objectKind('ingressController:\n  kind: Pod\n')).to.equal(undefined)
    expect(objectKind('apiVersion: v1\nitems:\n  - apiVersion: v1\n    kind: Node\n')).to.equal(undefined) // 4-space item style is not kubectl's
    expect(objectKind('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\n')).to.equal('Node')
  })
})
