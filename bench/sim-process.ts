/*
 * The simulated cluster in a process of its own, so a benchmark measures the doctor process alone:
 *   node --import tsx bench/sim-process.ts '<SimOptions as JSON>' DIR
 * prints one JSON line {kubeconfig, agents, namespace, pods (the first 50 agent pods)} when it listens; each line then read on stdin is answered
 * with {requests, bytesSent}; it stops when stdin closes.
 */
import {createInterface} from 'node:readline'
import {startSimCluster, type SimOptions} from '../src/sim/server.js'

const opts = JSON.parse(process.argv[2] ?? '{}') as SimOptions
const dir = process.argv[3] ?? '.'
const sim = await startSimCluster(opts)
process.stdout.write(`${JSON.stringify({kubeconfig: sim.writeKubeconfig(dir), agents: sim.agents.length, namespace: sim.namespace, pods: sim.agents.slice(0, 50).map((a) => a.pod)})}\n`)
const lines = createInterface({input: process.stdin})
lines.on('line', () => process.stdout.write(`${JSON.stringify({requests: sim.requests.length, bytesSent: sim.bytesSent()})}\n`))
lines.on('close', () => void sim.stop().then(() => process.exit(0)))
