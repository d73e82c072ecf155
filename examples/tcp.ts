/**
 * TCP: a SYN to a port where a Node server listens on 127.0.0.1 (the kernel answers SYN-ACK),
 * and to a closed one (RST), matched with request(). Raw sockets: root or CAP_NET_RAW.
 * `node dist/examples/tcp.js`; run by the tests.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { ipv4, openTransport, request } from '../src/index.js';

const server = createServer().listen(0, '127.0.0.1');
await once(server, 'listening');
const open = (server.address() as AddressInfo).port;

const transport = openTransport('raw');
try {
  for (const port of [open, 9]) {
    const syn = ipv4({ dst: '127.0.0.1' }).tcp({ srcPort: 40100, dstPort: port, seq: 1000, flags: ['syn'], options: [{ kind: 'mss', value: 1460 }] });
    const result = await request(transport, syn, { timeoutMs: 2000 });
    if (result.status !== 'answered') throw new Error(`no answer from port ${port}: ${result.explanation}`);
    const tcp = result.reply.packet.layers.find((l) => l.layer === 'tcp');
    const flags = tcp?.layer === 'tcp' ? tcp.fields.flags : [];
    console.log(`port ${port}: ${flags.includes('syn') ? 'open' : 'closed'} (${flags.join('+')}, ack ${tcp?.layer === 'tcp' ? tcp.fields.ack : '?'})`);
  }
} finally {
  await transport.close();
  server.close();
}
