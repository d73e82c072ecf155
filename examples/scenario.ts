/**
 * A traffic scenario (examples/loopback.yaml, or the file given): generated with a seed into
 * scenario.pcapng, then the same packets (same seed: same bytes) sent through raw sockets,
 * every one of them to loopback (anything else is refused before a byte is sent).
 *   sudo node dist/examples/scenario.js [SCENARIO.yaml]
 * Run by test/examples/examples.test.ts, which reads scenario.pcapng back with tshark.
 */
import { generateTraffic, loadScenario, openTransport, writeTraffic } from '../src/index.js';

const file = process.argv[2] ?? 'examples/loopback.yaml';
const scenario = loadScenario(file);
const written = await writeTraffic(scenario, 'scenario.pcapng', { seed: 1 });
console.log(`wrote scenario.pcapng: ${written.packets} packets, ${written.broken} broken on purpose (${written.flows.map((f) => `${f.name} ${f.packets}`).join(', ')})`);

// Loopback only: the version nibble gives the family, then the destination address.
const toLoopback = (b: Uint8Array) => (b[0] >> 4 === 4 ? b[16] === 127 : b.subarray(24, 40).every((x, i) => x === (i === 15 ? 1 : 0)));
const packets = [...generateTraffic(scenario, { seed: 1 })].map((p) => p.data);
if (!packets.every(toLoopback)) throw new Error(`${file}: not every packet is addressed to loopback; not sending`);

const transport = openTransport('raw');
try {
  const sent = await transport.sendMany(packets);
  console.log(`sent ${sent.sent} packets (${sent.bytes} bytes) to loopback in ${sent.calls} system calls`);
} finally {
  await transport.close();
}
