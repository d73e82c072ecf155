/**
 * docs/writing-a-transport.md's demo: request() through the UdpTunnelTransport of
 * examples/udp-tunnel-transport.ts, to a UDP socket on 127.0.0.1 that answers echo requests.
 * No privileges needed. `node dist/examples/udp-tunnel.js`; run by test/examples/examples.test.ts.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { decode, ipv4, request, summary } from '../src/index.js';
import { UdpTunnelTransport } from './udp-tunnel-transport.js';

// #region use
// The far end of the tunnel: a UDP socket on 127.0.0.1 that answers echo requests, as a host would.
const remote = createSocket('udp4');
remote.bind(0, '127.0.0.1');
await once(remote, 'listening');
remote.on('message', (bytes, from) => {
  const [ip, icmp] = decode(bytes, { mode: 'lax' }).layers;
  if (ip?.layer !== 'ipv4' || icmp?.layer !== 'icmp' || icmp.fields.type !== 'echo-request') return;
  const reply = ipv4({ src: ip.fields.dst, dst: ip.fields.src }).icmp({ type: 'echo-reply', id: icmp.fields.id, seq: icmp.fields.seq });
  remote.send(reply.encode(), from.port, from.address);
});

// request(), ping(), traceroute() and requestMany() work with any Transport.
const tunnel = await UdpTunnelTransport.open({ address: '127.0.0.1', port: 0 }, { address: '127.0.0.1', port: remote.address().port });
try {
  const echo = ipv4({ src: '192.0.2.1', dst: '198.51.100.7' }).icmp({ type: 'echo-request', id: 9, seq: 1 });
  const result = await request(tunnel, echo, { timeoutMs: 2000 });
  console.log(result.status === 'answered' ? `answered through the tunnel: ${summary(result.reply.packet)}` : `no answer: ${result.explanation}`);
} finally {
  await tunnel.close();
  remote.close();
}
// #endregion use
