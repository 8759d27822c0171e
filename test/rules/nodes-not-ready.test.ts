import rule from '../../rules/nodes-not-ready.js'
import type {Node} from '../../src/snapshot/schema.js'
import {at, snapshot} from '../helpers/snapshot.js'
import {ruleTester} from './_rule-tester.js'

const node = (name: string, ready: boolean | undefined, line: number): Node =>
  ({name, podCIDRs: [], labels: {}, ...(ready === undefined ? {} : {ready}), src: at(`${name}   ${ready === false ? 'NotReady' : 'Ready'}   <none>   12d   v1.30.4`, line, 'nodes.txt')})

ruleTester(rule, {
  valid: [
    {name: 'all nodes Ready', snapshot: snapshot({cluster: {nodes: [node('worker-1', true, 2), node('worker-2', true, 3)]}})},
    {name: 'a node without a readable status is not counted', snapshot: snapshot({cluster: {nodes: [node('worker-1', true, 2), node('worker-2', undefined, 3)]}})},
  ],
  invalid: [
    {
      name: 'one of three NotReady → high, names it, evidence its row', messageIds: ['nodes-not-ready'],
      snapshot: snapshot({cluster: {nodes: [node('cp-1', true, 2), node('worker-1', false, 3), node('worker-2', true, 4)]}}),
      expect: {count: 1, severity: 'high', agents: [], message: /1 of 3 node\(s\) NotReady: worker-1\./, evidence: {line: 3, text: /NotReady/}},
    },
    {
      name: 'many NotReady: names capped', messageIds: ['nodes-not-ready'],
      snapshot: snapshot({cluster: {nodes: Array.from({length: 8}, (_, i) => node(`worker-${i}`, false, i + 2))}}),
      expect: {count: 1, message: /8 of 8 node\(s\) NotReady: worker-0, worker-1, worker-2, worker-3, worker-4 … \(\+3 more\)/},
    },
  ],
  notEvaluated: [{name: 'no nodes read', snapshot: snapshot()}],
})
