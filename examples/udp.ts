/**
 * UDP: a datagram crafted by rawcraft and sent through a raw socket, received by an ordinary
 * Node UDP socket on 127.0.0.1 (the kernel checked the checksum we computed, or it would have
 * dropped it); then one with a deliberately wrong checksum, which the kernel drops.
 * Raw sockets: root or CAP_NET_RAW. `node dist/examples/udp.js`; run by the tests.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { ipv4, openTransport } from '../src/index.js';

const server = createSocket('udp4');
server.bind(0, '127.0.0.1');
await once(server, 'listening');
const port = server.address().port;
const received: string[] = [];
server.on('message', (message, from) => received.push(`${message.toString()} from ${from.address}:${from.port}`));

const transport = openTransport('raw');
try {
  await transport.send(ipv4({ dst: '127.0.0.1' }).udp({ srcPort: 40000, dstPort: port }).payload('good checksum'));
  await transport.send(ipv4({ dst: '127.0.0.1' }).udp({ srcPort: 40000, dstPort: port }).corrupt('checksum').payload('bad checksum'));
  await new Promise((resolve) => setTimeout(resolve, 300));
} finally {
  await transport.close();
  server.close();
}
console.log(`the UDP socket on port ${port} received ${received.length}: ${received.join('; ')}`);
