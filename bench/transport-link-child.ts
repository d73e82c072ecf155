/**
 * The link half of bench/transport-vs-c.ts, run inside the namespace that made the veth pair:
 *
 *   node dist/bench/transport-link-child.js C-PROGRAM IFACE FRAMES ROUNDS PCAP-PROGRAM|skip:REASON
 *
 * Prints one VersusCRow per line (JSON). The frame is an ICMP echo reply from 198.18.0.1 to
 * 198.18.0.2 to the MAC 02:00:00:00:00:02, which no interface has: the peer drops it at once.
 */
import { ethernet } from '../src/builders/packet.js';
import { openLinkTransport } from '../src/transport/link/link-transport.js';
import type { FramedBytes } from '../src/transport/transport.js';
import { runCLoop, runPcapLoop } from './c-loop.js';
import { interleave, LINK_CASES, type Case } from './transport-vs-c.js';

const [program, iface, frames, rounds, pcapProgram] = process.argv.slice(2);
const frame = ethernet({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
  .ipv4({ src: '198.18.0.1', dst: '198.18.0.2', id: 1, ttl: 64 })
  .icmp({ type: 'echo-reply', id: 1, seq: 1 })
  .payload(new Uint8Array(56))
  .encode();
const packet: FramedBytes = { bytes: frame, firstLayer: 'ethernet' };
const fast = openLinkTransport({ interface: iface });
const pcap = openLinkTransport({ interface: iface, afPacket: false });
const timed = async (n: number, body: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await body();
  return (n * 1000) / (performance.now() - t0);
};
const cases: Case[] = [
  { name: LINK_CASES[0], run: (n) => timed(n, () => fast.sendMany(new Array<FramedBytes>(n).fill(packet))) },
  { name: LINK_CASES[1], run: (n) => timed(n, () => pcap.sendMany(new Array<FramedBytes>(n).fill(packet))) },
];
try {
  const rows = await interleave(cases, (n) => runCLoop({ program, remove: () => undefined }, 'packet', iface, frame, n).packetsPerSec, Number(frames), Number(rounds));
  // The libpcap path again, against libpcap itself driven from C: what is ours in its cost.
  const name = LINK_CASES[2];
  if (pcapProgram.startsWith('skip:')) {
    rows.push({ case: name, packets: Number(frames), packetsPerSec: undefined, cPacketsPerSec: undefined, ratio: undefined, skipped: pcapProgram.slice('skip:'.length) });
  } else {
    const [row] = await interleave([{ name, run: cases[1].run }], (n) => runPcapLoop({ program: pcapProgram, remove: () => undefined }, iface, frame, n).packetsPerSec, Number(frames), Number(rounds));
    rows.push(row);
  }
  for (const row of rows) console.log(JSON.stringify(row));
} finally {
  await fast.close();
  await pcap.close();
}
