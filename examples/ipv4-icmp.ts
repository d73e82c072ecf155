/**
 * IPv4 and ICMP: an echo request and a timestamp request to 127.0.0.1, each answered by the
 * kernel, matched with request(). Raw sockets: run as root (or with CAP_NET_RAW).
 * `node dist/examples/ipv4-icmp.js`; run by test/examples/examples.test.ts.
 */
import { ipv4, openTransport, request, show, summary } from '../src/index.js';

const transport = openTransport('raw');
try {
  for (const probe of [
    ipv4({ dst: '127.0.0.1', ttl: 5, flags: ['df'] }).icmp({ type: 'echo-request', id: 0x4242, seq: 1 }).payload('rawcraft'),
    ipv4({ dst: '127.0.0.1' }).icmp({ type: 'timestamp-request', id: 0x4243, seq: 1 }),
  ]) {
    const result = await request(transport, probe, { timeoutMs: 2000 });
    if (result.status !== 'answered') throw new Error(`no answer: ${result.explanation}`);
    console.log(`${summary(result.reply.packet)} in ${result.rttMs.toFixed(3)} ms`);
    console.log(show(result.reply.packet));
  }
} finally {
  await transport.close();
}
