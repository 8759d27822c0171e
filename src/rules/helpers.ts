/*
 * The one helper world for rules: everything a rule may use besides src/cilium/, from one import.
 * lib/core: evidence and snapshot access; lib/cluster: Helm, cilium-config, nodes and wording;
 * lib/metrics: samples, trends and latencies; lib/maps and lib/pressure: map sizes and pressure;
 * lib/datapath: the datapath prerequisites of host routing, KPR and masquerading; lib/prometheus-gaps:
 * Prometheus families whose queries failed.
 */
export * from './lib/core.js'
export * from './lib/cluster.js'
export * from './lib/metrics.js'
export * from './lib/maps.js'
export * from './lib/pressure.js'
export * from './lib/datapath.js'
export * from './lib/prometheus-gaps.js'
export * from './lib/apiserver.js'
