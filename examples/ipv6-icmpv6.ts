/**
 * IPv6 and ICMPv6: an echo request to ::1, then one carrying a Destination Options extension
 * header (sent with IPV6_HDRINCL on Linux, since a per-protocol socket cannot add it as built).
 * Raw sockets: root or CAP_NET_RAW. `node dist/examples/ipv6-icmpv6.js`; run by the tests.
 */
import { ipv6, openTransport, request, summary } from '../src/index.js';

const transport = openTransport('raw');
try {
  const plain = ipv6({ dst: '::1' }).icmpv6({ type: 'echo-request', id: 0x6001, seq: 1 }).payload('rawcraft');
  const withOptions = ipv6({ src: '::1', dst: '::1' }).ipv6DestOptions({ options: [{ kind: 'padn', length: 4 }] }).icmpv6({ type: 'echo-request', id: 0x6002, seq: 1 });
  for (const probe of [plain, withOptions]) {
    const result = await request(transport, probe, { timeoutMs: 2000 });
    if (result.status !== 'answered') throw new Error(`no answer: ${result.explanation}`);
    console.log(`${summary(result.reply.packet)} in ${result.rttMs.toFixed(3)} ms`);
  }
} finally {
  await transport.close();
}
