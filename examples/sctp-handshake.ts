/**
 * An SCTP association set up by hand with a real SCTP stack: INIT, INIT ACK, COOKIE ECHO,
 * COOKIE ACK, then DATA (answered by a SACK) and ABORT. Every packet of ours is crafted by
 * rawcraft and every packet of the peer's is decoded by it. The peer is usrsctp (a user-space
 * SCTP stack) listening on 127.0.0.1, over UDP encapsulation (RFC 6951), so no kernel SCTP
 * and no privileges are needed:
 *   node dist/examples/sctp-handshake.js UDP_PORT SCTP_PORT     (default 9899 5001)
 * test/examples/examples.test.ts builds the usrsctp peer of test/sctp/peer and runs this against it.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { decode, encodeLayers, summary, type SctpChunk, type SctpChunkInput } from '../src/index.js';

const [udpPort, sctpPort] = [Number(process.argv[2] ?? 9899), Number(process.argv[3] ?? 5001)];
const ourPort = 40123;
const ourTag = 0x5ca1ab1e;
const ourTsn = 1000;

const socket = createSocket('udp4');
socket.bind(0, '127.0.0.1');
await once(socket, 'listening');
const arrived: Buffer[] = [];
let wake = () => {};
socket.on('message', (bytes) => {
  arrived.push(bytes);
  wake();
});

/** One SCTP packet of ours, over UDP to the peer. */
async function send(verificationTag: number, chunk: SctpChunkInput): Promise<void> {
  const bytes = encodeLayers([{ layer: 'sctp', fields: { srcPort: ourPort, dstPort: sctpPort, verificationTag, chunks: [chunk] } }]);
  await new Promise<void>((resolve, reject) => socket.send(bytes, udpPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
}

/** The peer's next packet holding a chunk of `type` (others, e.g. a HEARTBEAT, are printed and skipped). */
async function expectChunk<T extends SctpChunk['type']>(type: T): Promise<Extract<SctpChunk, { type: T }>> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const bytes = arrived.shift();
    if (!bytes) {
      await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 100)));
      continue;
    }
    const decoded = decode(bytes, { from: 'sctp' });
    console.log(`< ${summary(decoded)}`);
    const sctp = decoded.layers[0];
    if (sctp?.layer !== 'sctp' || sctp.checksum?.status !== 'valid') throw new Error('not a valid SCTP packet');
    const chunk = sctp.fields.chunks.find((c): c is Extract<SctpChunk, { type: T }> => c.type === type);
    if (chunk) return chunk;
  }
  throw new Error(`no ${type} from the peer within 5 s`);
}

try {
  await send(0, { type: 'init', initiateTag: ourTag, arwnd: 131072, outboundStreams: 4, inboundStreams: 4, initialTsn: ourTsn, params: [{ type: 'supported-address-types', addressTypes: ['ipv4-address'] }] });
  const initAck = await expectChunk('init-ack');
  const cookie = initAck.params.find((p) => p.type === 'state-cookie');
  if (cookie?.type !== 'state-cookie') throw new Error('INIT ACK without a state cookie');
  const peerTag = initAck.initiateTag;
  console.log(`INIT ACK: the peer's tag is 0x${peerTag.toString(16)}, its cookie ${cookie.cookie.length} bytes`);

  await send(peerTag, { type: 'cookie-echo', cookie: cookie.cookie });
  await expectChunk('cookie-ack');
  console.log('COOKIE ACK: association established');

  await send(peerTag, { type: 'data', flags: ['immediate', 'beginning', 'ending'], tsn: ourTsn, streamId: 1, streamSeq: 0, ppid: 51, data: Buffer.from('hello from rawcraft') });
  const sack = await expectChunk('sack');
  console.log(`SACK: cumulative TSN ack ${sack.cumulativeTsnAck}`);

  await send(peerTag, { type: 'abort', flags: [], causes: [{ code: 'user-initiated-abort', reason: Buffer.from('done') }] });
  console.log('ABORT sent');
} finally {
  socket.close();
}
