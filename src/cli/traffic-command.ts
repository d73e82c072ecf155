/**
 * `rawcraft traffic SCENARIO [--out FILE.pcapng | --send] [--seed N] [--shard I/N] [--json]`:
 * generate a scenario's packets to a pcapng file (streaming, bounded memory) or send them, paced
 * by their timestamps, to loopback through raw sockets.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadScenario, type Scenario } from '../traffic/scenario.js';
import { count, finish, generateTraffic, newSummary, writeTraffic, type TrafficOptions, type TrafficPacket, type TrafficSummary } from '../traffic/generate.js';
import { createCaptureWriter, LinkType } from '../capture/index.js';
import { openTransport } from '../transport/transports/open-transport.js';
import { integer, listOrNone, parseCommandArgs, SEE_HELP } from './args.js';
import { CliError, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const TRAFFIC_USAGE = `traffic SCENARIO [--out FILE.pcapng | --out FILE.pcap | --send] [--seed N] [--shard I/N] [--json]
      Generate the flows of a scenario (YAML or JSON, see docs/traffic.md) to a pcapng file (or
      classic pcap: the format the --out name's extension says), or
      send them to loopback (127.0.0.0/8, ::1 only) through raw sockets at the scenario's rates.
      Deterministic for a seed; --shard I/N (I from 0) writes part I of N, disjoint parts whose
      union is the whole.`;

export async function trafficCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: { out: { type: 'string' }, send: { type: 'boolean' }, seed: { type: 'string' }, shard: { type: 'string' }, json: { type: 'boolean' } },
  }, 'traffic: ', SEE_HELP);
  if (positionals.length !== 1) throw new CliError(`traffic: expected one SCENARIO file, got ${listOrNone(positionals)}; usage: rawcraft traffic SCENARIO ... (see rawcraft help)`);
  if ((values.out === undefined) === !values.send) throw new CliError('traffic: give one of --out FILE.pcapng and --send');
  const format = values.out === undefined ? undefined : outFormat(values.out);
  const options: { seed?: number; shard?: { index: number; count: number } } = {};
  if (values.seed !== undefined) options.seed = integer('traffic', '--seed', values.seed, 0, 0, Number.MAX_SAFE_INTEGER);
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new CliError(`traffic: --shard ${JSON.stringify(values.shard)}: expected I/N with 0 <= I < N, e.g. 0/4`);
    options.shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const scenario = loadScenario(positionals[0]);
  const started = performance.now();
  let summary: TrafficSummary & { interrupted?: boolean };
  if (values.out !== undefined) {
    let last = 0;
    const onPacket = (p: TrafficPacket) => {
      if (io.progress && (p.number & 1023) === 0 && performance.now() - last > 200) {
        last = performance.now();
        io.progress(`${p.number} packets...`);
      }
    };
    summary = format === 'pcap' ? await writePcap(scenario, values.out, options, onPacket) : await writeTraffic(scenario, values.out, options, onPacket);
    io.progress?.('');
  } else {
    summary = await sendTraffic(scenario, options, io);
  }
  const ms = performance.now() - started;
  const rate = ms > 0 ? Math.round((summary.packets * 1000) / ms) : 0;
  if (values.json) {
    await io.write(JSON.stringify({ ...summary, ...(values.out !== undefined && { out: values.out }), durationMs: Math.round(ms), packetsPerSecond: rate }) + '\n');
  } else {
    const where = (summary.interrupted ? 'interrupted: ' : '') + (values.out !== undefined ? `wrote ${summary.packets} packets (${summary.bytes} bytes) to ${values.out}` : `sent ${summary.packets} packets (${summary.bytes} bytes) to loopback`);
    const shard = summary.shard.count > 1 ? `, shard ${summary.shard.index}/${summary.shard.count}` : '';
    const lines = [`${where} in ${Math.round(ms)} ms (${rate} packets/s), seed ${summary.seed}${shard}, ${summary.broken} deliberately broken`];
    for (const f of summary.flows) lines.push(`  ${f.name}: ${f.packets} packets, ${f.broken} broken`);
    await io.write(lines.join('\n') + '\n');
  }
  return EXIT_OK;
}

/** The capture format an --out file name asks for: by its extension, and no other. */
function outFormat(path: string): 'pcap' | 'pcapng' {
  const m = /\.(pcapng|pcap)$/i.exec(path);
  if (!m) throw new CliError(`traffic: --out ${JSON.stringify(path)}: name the file .pcapng (pcapng, with flow comments) or .pcap (classic pcap)`);
  return m[1].toLowerCase() as 'pcap' | 'pcapng';
}

/** The scenario to a classic pcap file (LINKTYPE_RAW: IPv4 and IPv6 alike); pcap has no comments to name the flows. */
async function writePcap(scenario: Scenario, path: string, options: TrafficOptions, onPacket: (p: TrafficPacket) => void): Promise<TrafficSummary> {
  const writer = createCaptureWriter(path, { format: 'pcap', linkType: LinkType.RAW });
  const summary = newSummary(scenario, options);
  try {
    for (const p of generateTraffic(scenario, options)) {
      await writer.write({ data: p.data, timestampNs: p.timestampNs });
      count(summary, p);
      onPacket(p);
    }
    await writer.close();
  } catch (error) {
    writer.abort(); // a failed run leaves no half-written file
    throw error;
  }
  return finish(summary);
}

/** The destination of an IP datagram when it is loopback; undefined otherwise. */
function loopbackDestination(data: Uint8Array): string | undefined {
  const version = data[0] >> 4;
  if (version === 4 && data.length >= 20) return data[16] === 127 ? `${data[16]}.${data[17]}.${data[18]}.${data[19]}` : undefined;
  if (version === 6 && data.length >= 40) return data.subarray(24, 39).every((b) => b === 0) && data[39] === 1 ? '::1' : undefined;
  return undefined;
}

async function sendTraffic(scenario: Scenario, options: TrafficOptions, io: CliContext): Promise<TrafficSummary & { interrupted: boolean }> {
  const summary = newSummary(scenario, options);
  const transport = openTransport('raw');
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once('SIGINT', onSigint);
  const started = performance.now();
  let first: bigint | undefined;
  try {
    for (const p of generateTraffic(scenario, options)) {
      if (stop) break;
      const to = loopbackDestination(p.data);
      if (to === undefined) throw new CliError(`traffic: --send: packet ${p.number} of flow ${p.flow} is not addressed to loopback (127.0.0.0/8 or ::1); --send only sends to loopback: use --out FILE.pcapng`);
      first ??= p.timestampNs;
      const wait = started + Number(p.timestampNs - first) / 1e6 - performance.now();
      if (wait > 1) await sleep(wait);
      // Truncated and length-lying datagrams go as they are; the kernel may refuse some.
      try {
        await transport.send(p.data, { destination: to });
        count(summary, p);
      } catch (error) {
        if ((error as { syscall?: string }).syscall === 'socket') throw error;
        io.error(`rawcraft: traffic: packet ${p.number}: ${(error as Error).message}`);
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    await transport.close();
  }
  return { ...finish(summary), interrupted: stop };
}
