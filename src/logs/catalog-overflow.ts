import type {LogCondition} from './catalog.js'

/*
 * Queues in front of the L7 proxies that overflow under load: the in-agent DNS proxy (pkg/fqdn/dnsproxy warns when
 * its per-name lock waits longer than --dnsproxy-lock-timeout, cilium#25877, cilium#27156) and Envoy's access-log
 * socket to the agent (cilium/proxy accesslog.cc: "Cilium access log send failed: <strerror>", cilium#3021). One
 * line is a burst; repeated lines are the condition (minCount). Hubble's own event queue is in catalog.ts.
 */
export const OVERFLOW_CONDITIONS: LogCondition[] = [
  {
    id: 'dnsproxy-overloaded', title: 'DNS proxy overloaded', severity: 'medium', minCount: 3,
    // "Name lock acquisition …" since 1.15 (per-name locks); "Lock acquisition …" before
    msg: /^(Name )?[Ll]ock acquisition time took longer than expected\. Potentially too many parallel DNS requests/,
    reading: 'DNS requests of pods under a DNS (toFQDNs) policy wait for the DNS proxy\'s locks, so lookups time out and toFQDNs rules lag behind the answers',
    fix: () => 'Give the agent more CPU (the proxy holds a lock per name while it updates policy), raise the agent flags dnsproxy-lock-count and dnsproxy-lock-timeout (cilium-config / extraArgs), and upgrade: 1.13.x/1.14.x releases fixed lock contention in the proxy (cilium#25877, cilium#27156). Narrowing the dns matchPattern to the names the policy needs cuts the load; a DNS cache full of deferred (zombie) entries for generated names makes FQDN GC hold the lock (cilium-dbg fqdn cache list).',
    url: 'https://github.com/cilium/cilium/issues/27156',
  },
  {
    id: 'l7-policy-apply-failed', title: 'L7 proxy policy changes not applied', severity: 'medium', minCount: 3,
    msg: /^Failed to apply L7 proxy policy changes/,
    reading: 'the agent could not push policy changes to its L7 proxies in time, so DNS/HTTP rules run on the previous policy until a later update succeeds',
    fix: (line) => (/lock|timeout|deadline/i.test(line)
      ? 'The proxy did not take the update in time (lock or ACK timeout): the agent is CPU-starved or the DNS proxy is overloaded; give the agent more CPU and see dnsproxy-overloaded.'
      : 'The error= field names the proxy that refused the update; check the Envoy (cilium-envoy) log for a NACK of the same version.'),
    url: 'https://github.com/cilium/cilium/issues/27156',
  },
  {
    id: 'envoy-accesslog-overflow', title: 'Envoy access-log records dropped', severity: 'medium', minCount: 3,
    msg: /^Cilium access log send failed: (Resource temporarily unavailable|No buffer space available)/,
    reading: 'Envoy cannot hand L7 access-log records to the agent because the socket buffer is full: L7 flows are missing from Hubble and L7 visibility (traffic itself is still proxied)',
    fix: () => 'The agent reads the access-log socket too slowly: give cilium-agent more CPU, or reduce L7 visibility to the ports that need it (L7 rules and visibility annotations make every request a record); upgrade old proxies, which logged this line per request (cilium#3021).',
    url: 'https://github.com/cilium/cilium/issues/3021',
  },
]
