/**
 * `rawcraft listen --iface IF [--filter EXPR] [--out FILE.pcapng] ...`: capture frames on an
 * interface through libpcap, with a pcap-filter expression run in the kernel (tcpdump's
 * language), decoded as they come and optionally written live to pcapng. Counts go to stderr at
 * the end, the kernel's drops included (like tcpdump), so nothing is lost without a number.
 */
import { createCaptureWriter, type PcapngWriter } from '../capture/writers.js';
import { decode, layerForLinkType } from '../codec/decode.js';
import { packetToJson, type PacketJson } from '../codec/json.js';
import { summary } from '../codec/print.js';
import { PcapHandle } from '../transport/link/pcap-handle.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { BatchedOutput } from './batched-output.js';

export interface LinkListenArgs {
  readonly iface: string;
  readonly filter: string | undefined;
  readonly out: string | undefined;
  readonly count: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly json: boolean;
  readonly promiscuous: boolean;
}

export async function linkListen(args: LinkListenArgs, io: CliContext, signal?: AbortSignal): Promise<number> {
  if (args.out !== undefined && !/\.pcapng$/i.test(args.out)) throw new CliError(`listen: --out ${JSON.stringify(args.out)}: expected a .pcapng file name`);
  // A bulk capture: the kernel fills whole buffer blocks, so a burst is not dropped while frames are printed.
  const handle = PcapHandle.open(args.iface, { ...(args.filter !== undefined && { filter: args.filter }), promiscuous: args.promiscuous, immediate: false });
  const firstLayer = layerForLinkType(handle.linkType) ?? 'raw';
  let writer: PcapngWriter | undefined;
  let count = 0;
  const out = new BatchedOutput(io);
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  signal?.addEventListener('abort', onSigint, { once: true });
  const deadline = args.timeoutMs === undefined ? Infinity : Date.now() + args.timeoutMs;
  try {
    // An atomic file: it appears when the capture ends, or not at all when the run fails.
    if (args.out !== undefined) writer = createCaptureWriter(args.out, { format: 'pcapng', linkType: handle.linkType });
    while (!stop.signal.aborted && (args.count === undefined || count < args.count)) {
      const frame = handle.next();
      if (!frame) {
        if (Date.now() >= deadline) break;
        await handle.waitReadable();
        continue;
      }
      if (writer) await writer.write({ data: frame.bytes, timestampNs: frame.timestamp, originalLength: frame.originalLength });
      const packet = decode(frame.bytes, { from: firstLayer, mode: 'lax' });
      const wait = out.add(args.json ? jsonLine(packetToJson(count, packet, frame.timestamp), args.iface, handle.linkType, frame.originalLength) : `${clock(frame.timestamp)} ${summary(packet)}\n`);
      if (wait) await wait;
      count++;
    }
    await out.flush();
    const stats = handle.stats();
    io.error(`${stop.signal.aborted ? 'interrupted: ' : ''}${count} frame${count === 1 ? '' : 's'} captured on ${args.iface}, ${stats.received} received by filter, ${stats.dropped} dropped by kernel${stats.interfaceDropped ? `, ${stats.interfaceDropped} dropped by interface` : ''}`);
    if (writer) await writer.close();
  } catch (error) {
    writer?.abort();
    throw error;
  } finally {
    await out.flush();
    process.removeListener('SIGINT', onSigint);
    signal?.removeEventListener('abort', onSigint);
    handle.close();
  }
  if (args.timeoutMs !== undefined && args.count !== undefined && count < args.count) {
    io.error(`listen: ${count} of ${args.count} frames within ${args.timeoutMs} ms`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** `HH:MM:SS.uuuuuu` local time, like tcpdump. */
export function clock(ns: bigint): string {
  const d = new Date(Number(ns / 1_000_000n));
  const micros = Number((ns / 1000n) % 1_000_000n);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(micros).padStart(6, '0')}`;
}

/** A line of `listen --iface --json`: the decode --json format plus the interface, its link type and the frame's length on the wire. */
function jsonLine(json: PacketJson & { interface?: string; linkType?: number; originalLength?: number }, iface: string, linkType: number, originalLength: number): string {
  // Set on the fresh object, not spread into a copy: the copy made JSON.stringify twice as slow.
  json.interface = iface;
  json.linkType = linkType;
  json.originalLength = originalLength;
  return JSON.stringify(json) + '\n';
}
