/**
 * The main job (`npm start`): craft a few packets, print them decoded, write demo.pcap, and
 * send an ICMP echo to 127.0.0.1 (loopback only) when privileged. Every packet of demo.pcap
 * is addressed to loopback: the README sends the file (`npx rawcraft send demo.pcap`).
 */
import { decode, ipv4, openTransport, PreflightError, request, show, summary, TransportError } from '../src/index.js';
import { createCaptureWriter, LinkType } from '../src/capture/index.js';

const packets = [
  ipv4({ dst: '127.0.0.1', id: 1 }).icmp({ type: 'echo-request', id: 0x7263, seq: 1 }).payload('rawcraft demo'),
  ipv4({ src: '127.0.0.1', dst: '127.0.0.2', ttl: 3, id: 2 }).udp({ srcPort: 40000, dstPort: 33434 }).payload('hello'),
  ipv4({ src: '127.0.0.1', dst: '127.0.0.3', id: 3, flags: ['df'] }).tcp({
    srcPort: 40001,
    dstPort: 443,
    seq: 1000,
    flags: ['syn'],
    options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }],
  }),
  // Deliberately broken: a wrong UDP checksum, to show the decoder's verdict.
  ipv4({ src: '127.0.0.1', dst: '127.0.0.2', id: 4 }).udp({ srcPort: 40002, dstPort: 33435 }).corrupt('checksum').payload('bad'),
];

const writer = createCaptureWriter('demo.pcap', { format: 'pcap', linkType: LinkType.RAW });
let time = 1_700_000_000_000_000_000n;
for (const [i, p] of packets.entries()) {
  const bytes = p.encode();
  const decoded = decode(bytes);
  console.log(`#${i} ${summary(decoded)}\n${show(decoded)}\n`);
  await writer.write({ data: bytes, timestampNs: (time += 1_000_000n) });
}
await writer.close();
console.log(`wrote demo.pcap (${packets.length} packets): open it with Wireshark or \`tshark -r demo.pcap\``);

// Send an ICMP echo request to 127.0.0.1 (loopback only) and print the decoded reply.
try {
  await using transport = openTransport('raw');
  const echo = ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'echo-request', id: 0x7263, seq: 1 }).payload('rawcraft demo');
  const result = await request(transport, echo, { timeoutMs: 2000 });
  if (result.status === 'answered') {
    console.log(`\nsent an echo request to 127.0.0.1; the kernel answered in ${result.rttMs.toFixed(3)} ms:`);
    console.log(`${summary(result.reply.packet)}\n${show(result.reply.packet)}`);
  } else {
    console.log(`\nsent an echo request to 127.0.0.1; no reply within ${result.timeoutMs} ms:\n${result.explanation}`);
  }
} catch (error) {
  // Pre-flight refuses before any system call when this process may not open raw sockets.
  if (error instanceof PreflightError) {
    const reasons = error.errors.map((f) => `${f.message}\n${f.remedy}`).join('\n');
    console.log(`\nnot sending the ICMP echo to 127.0.0.1: ${reasons}`);
  } else if (error instanceof TransportError && (error.syscall === 'socket' || error.syscall === 'dlopen')) {
    const why = error.errnoName === 'EPERM' || error.errnoName === 'EACCES' ? 'this process is not privileged to open raw sockets' : 'raw sockets are not available here';
    console.log(`\nnot sending the ICMP echo to 127.0.0.1: ${why}.\n${error.remedy}`);
  } else {
    throw error;
  }
}
