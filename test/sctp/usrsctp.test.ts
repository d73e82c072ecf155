/**
 * The proof against a real SCTP stack: usrsctp (libusrsctp, which rawcraft did not write) as the
 * peer, over UDP encapsulation (RFC 6951) on 127.0.0.1, since this kernel has no SCTP. rawcraft
 * crafts every packet of our side and decodes every packet of usrsctp's:
 *
 *   INIT (bad checksum)  -> dropped: usrsctp checks CRC32c, so the rest proves ours right
 *   INIT                 -> INIT ACK, decoded, with the peer's state cookie
 *   COOKIE ECHO          -> COOKIE ACK
 *   DATA                 -> SACK for that TSN; the peer reports the message
 *   ABORT                -> the peer reports the association lost
 *
 * Skipped where libusrsctp-dev or a C compiler is missing, except with CI=true, where that fails.
 * With dumpcap present the exchange is captured on lo, and `rawcraft decode --json --lax |
 * rawcraft encode --hex` must give every captured packet back byte for byte.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decode, encodeLayers, type Layer, type SctpChunk, type SctpChunkInput, type SctpInput } from '../../src/index.js';
import { parseCapture } from '../../src/capture/index.js';
import { Loopback, buildPeer, peerUnavailable, startPeer, type Peer } from './peer/peer.js';
import { cliRoundTrip, cliUnavailable } from './cli.js';

const inCI = process.env.CI === 'true';
const missing = peerUnavailable();
const hasDumpcap = spawnSync('sh', ['-c', 'command -v dumpcap']).status === 0;

/** RFC 6951 section 5.1: the UDP port for SCTP over UDP. rawcraft's decoder binds it to sctp. */
const ENCAPS_PORT = 9899;
const PEER_SCTP_PORT = 5001;
const OUR_SCTP_PORT = 40123;

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-usrsctp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type SctpLayer = Extract<Layer, { layer: 'sctp' }>;

function sctpPacket(fields: SctpInput, corrupt = false): Buffer {
  return encodeLayers([{ layer: 'sctp', fields, corrupt: corrupt ? ['checksum'] : undefined }]);
}

/** Decode a datagram from the peer strictly: it must be a valid SCTP packet with a good CRC32c. */
function fromPeer(bytes: Buffer): SctpLayer {
  const packet = decode(bytes, { from: 'sctp' });
  const layer = packet.layers[0];
  if (layer.layer !== 'sctp') throw new Error(`not SCTP: ${bytes.toString('hex')}`);
  expect(layer.checksum?.status).toBe('valid');
  expect(layer.fields.srcPort).toBe(PEER_SCTP_PORT);
  expect(layer.fields.dstPort).toBe(OUR_SCTP_PORT);
  return layer;
}

function chunkOf<T extends string>(layer: SctpLayer, type: T): Extract<SctpChunk, { type: T }> | undefined {
  return layer.fields.chunks.find((c): c is Extract<SctpChunk, { type: T }> => c.type === type);
}

/** Receive until a packet with a chunk of `type` arrives (usrsctp may send others, e.g. HEARTBEAT). */
async function expectChunk<T extends string>(udp: Loopback, type: T, seen: SctpLayer[]): Promise<{ layer: SctpLayer; chunk: Extract<SctpChunk, { type: T }> }> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const bytes = await udp.receive(deadline - Date.now());
    if (!bytes) break;
    const layer = fromPeer(bytes);
    seen.push(layer);
    const chunk = chunkOf(layer, type);
    if (chunk) return { layer, chunk };
  }
  throw new Error(`no ${type} from usrsctp; got ${seen.map((l) => l.fields.chunks.map((c) => c.type).join('+')).join(', ') || 'nothing'}`);
}

/**
 * dumpcap on lo for the encapsulation port, pcap format; undefined (and a note) when it cannot
 * capture here, e.g. without capture privileges. The CLI round trip on SCTP captures does not
 * depend on it: cli.test.ts runs it on the committed capture, tshark.test.ts on its own.
 */
async function startCapture(file: string): Promise<ChildProcess | undefined> {
  const child = spawn('dumpcap', ['-q', '-i', 'lo', '-f', `udp port ${ENCAPS_PORT}`, '-P', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!(existsSync(file) && statSync(file).size >= 24)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      console.warn(`usrsctp test: no capture on lo (dumpcap: ${err.trim() || 'did not start'})`);
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  return child;
}

async function stopCapture(child: ChildProcess): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(missing !== undefined && !inCI)('SCTP handshake with usrsctp over UDP encapsulation (RFC 6951)', () => {
  it('usrsctp is available (required when CI=true)', () => {
    expect(missing, 'install libusrsctp-dev (and a C compiler)').toBeUndefined();
  });

  it('INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DATA, SACK, ABORT', { timeout: 120_000 }, async () => {
    const binary = buildPeer(dir);
    const captureFile = join(dir, 'handshake.pcap');
    let capture: ChildProcess | undefined;
    let peer: Peer | undefined;
    const udp = await Loopback.open();
    const seen: SctpLayer[] = [];
    try {
      peer = await startPeer(binary, ENCAPS_PORT, PEER_SCTP_PORT);
      if (hasDumpcap) capture = await startCapture(captureFile);

      const ourTag = 0x5ca1ab1e;
      const ourTsn = 1000;
      const init: SctpChunkInput = {
        type: 'init',
        initiateTag: ourTag,
        arwnd: 131072,
        outboundStreams: 4,
        inboundStreams: 4,
        initialTsn: ourTsn,
        params: [
          { type: 'supported-address-types', addressTypes: ['ipv4-address'] },
          { type: 'ecn-capable' },
          { type: 'forward-tsn-supported' },
          // Unknown, "skip and report" (upper bits 11): usrsctp must return it in an Unrecognized Parameter.
          { type: 0xc0de, data: 'c0ffee' },
        ],
      };

      // A wrong CRC32c: usrsctp must drop it silently. If it answered, it would not be checking,
      // and its answers below would prove nothing about our checksum.
      await udp.send(sctpPacket({ srcPort: OUR_SCTP_PORT, dstPort: PEER_SCTP_PORT, verificationTag: 0, chunks: [init] }, true), ENCAPS_PORT);
      expect(await udp.receive(750)).toBeUndefined();

      // INIT -> INIT ACK
      await udp.send(sctpPacket({ srcPort: OUR_SCTP_PORT, dstPort: PEER_SCTP_PORT, verificationTag: 0, chunks: [init] }), ENCAPS_PORT);
      const { layer: initAckPacket, chunk: initAck } = await expectChunk(udp, 'init-ack', seen);
      expect(initAckPacket.fields.verificationTag).toBe(ourTag);
      expect(initAckPacket.fields.chunks).toHaveLength(1);
      const peerTag = initAck.initiateTag;
      expect(peerTag).not.toBe(0);
      const cookie = initAck.params.find((p) => p.type === 'state-cookie');
      if (cookie?.type !== 'state-cookie') throw new Error('INIT ACK without a state cookie');
      expect(cookie.cookie.length).toBeGreaterThan(0);
      // usrsctp reports our unknown parameter back, whole.
      const unrecognized = initAck.params.find((p) => p.type === 'unrecognized-parameter');
      expect(unrecognized).toMatchObject({ type: 'unrecognized-parameter', params: [{ type: 0xc0de, action: 'skip-report' }] });
      if (unrecognized?.type === 'unrecognized-parameter') expect(Buffer.from((unrecognized.params[0] as { data: Uint8Array }).data).toString('hex')).toBe('c0ffee');

      // COOKIE ECHO with the peer's cookie -> COOKIE ACK
      await udp.send(sctpPacket({ srcPort: OUR_SCTP_PORT, dstPort: PEER_SCTP_PORT, verificationTag: peerTag, chunks: [{ type: 'cookie-echo', cookie: cookie.cookie }] }), ENCAPS_PORT);
      const { layer: cookieAck } = await expectChunk(udp, 'cookie-ack', seen);
      expect(cookieAck.fields.verificationTag).toBe(ourTag);
      await peer.waitFor((l) => l.startsWith('EVENT assoc_change state=1 '), 5000);

      // DATA -> SACK for that TSN (I bit: ask for it at once, RFC 7053)
      const message = Buffer.from('hello from rawcraft');
      await udp.send(
        sctpPacket({
          srcPort: OUR_SCTP_PORT,
          dstPort: PEER_SCTP_PORT,
          verificationTag: peerTag,
          chunks: [{ type: 'data', flags: ['immediate', 'beginning', 'ending'], tsn: ourTsn, streamId: 1, streamSeq: 0, ppid: 51, data: message }],
        }),
        ENCAPS_PORT,
      );
      const { layer: sackPacket, chunk: sack } = await expectChunk(udp, 'sack', seen);
      expect(sackPacket.fields.verificationTag).toBe(ourTag);
      expect(sack.cumulativeTsnAck).toBe(ourTsn);
      expect(sack.gapBlocks).toEqual([]);
      const delivered = await peer.waitFor((l) => l.startsWith('DATA '), 5000);
      expect(delivered).toBe(`DATA sid=1 ssn=0 tsn=${ourTsn} ppid=51 hex=${message.toString('hex')}`);

      // ABORT -> the peer loses the association
      await udp.send(
        sctpPacket({
          srcPort: OUR_SCTP_PORT,
          dstPort: PEER_SCTP_PORT,
          verificationTag: peerTag,
          chunks: [{ type: 'abort', flags: [], causes: [{ code: 'user-initiated-abort', reason: Buffer.from('done') }] }],
        }),
        ENCAPS_PORT,
      );
      await peer.waitFor((l) => l.startsWith('EVENT assoc_change state=2 '), 5000);
      expect(await peer.exited).toBe(0);
    } finally {
      udp.close();
      peer?.stop();
      if (capture) await stopCapture(capture);
    }

    // Everything usrsctp sent decoded without a single issue.
    expect(seen.length).toBeGreaterThanOrEqual(3);

    if (!capture) return;
    // The capture: every packet is Ethernet (lo) / IPv4 / UDP / SCTP with good checksums, and
    // the CLI gives every one back byte for byte.
    // RAWCRAFT_KEEP_CAPTURE=path keeps a copy (how test/sctp/fixtures/usrsctp-handshake.pcap was made).
    if (process.env.RAWCRAFT_KEEP_CAPTURE) copyFileSync(captureFile, process.env.RAWCRAFT_KEEP_CAPTURE);
    const records = parseCapture(readFileSync(captureFile));
    expect(records.length).toBeGreaterThanOrEqual(7);
    const verdicts = records.map((record) => {
      const packet = decode(record.data, { from: 'ethernet' });
      expect(packet.layers.map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'udp', 'sctp']);
      expect(packet.issues).toEqual([]);
      // Not UDP's: on lo the kernel leaves it to "hardware" (checksum offload), so captures hold a partial sum.
      return [packet.layers[1], packet.layers[3]].map((l) => l.checksum?.status).join(' ');
    });
    // The first INIT's bad CRC32c was on purpose; everything else is valid.
    expect(verdicts).toEqual(['valid invalid', ...records.slice(1).map(() => 'valid valid')]);
    if (cliUnavailable() === undefined) expect(await cliRoundTrip(captureFile)).toEqual(records.map((r) => r.data.toString('hex')));
  });
});
