/**
 * traceroute(): probes with a growing TTL towards 127.0.0.1, by UDP (a port unreachable ends
 * it), ICMP and TCP. On loopback the destination is the first hop. Raw sockets: root or
 * CAP_NET_RAW. `node dist/examples/traceroute.js`; run by the tests.
 */
import { traceroute } from '../src/index.js';

// #region traceroute
for (const protocol of ['udp', 'icmp', 'tcp'] as const) {
  const result = await traceroute('127.0.0.1', { protocol, queries: 1, timeoutMs: 1000, port: protocol === 'tcp' ? 9 : undefined });
  const hops = result.hops.map((h) => `${h.ttl} ${h.probes.map((p) => `${p.from ?? '*'} ${p.status}`).join(', ')}`);
  console.log(`${protocol}: ${hops.join(' | ')}; reached ${result.reached}`);
}
// #endregion traceroute
