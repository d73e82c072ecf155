/**
 * `rawcraft listen [--proto icmp|udp|tcp|sctp|N] [-6] [--count N] [--timeout MS] [--iface IF] [--json]`:
 * print what a raw socket receives, decoded: one summary line per packet, or JSON lines (the
 * `decode --json` format plus where it came from).
 */
import { packetToJson, type PacketJson } from '../codec/json.js';
import { BatchedOutput } from './batched-output.js';
import { summary } from '../codec/print.js';
import { RawTransport } from '../transport/transports/raw-transport.js';
import { checkFamilyFlags, integer, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { clock, linkListen } from './link-listen.js';

export const LISTEN_USAGE = `listen [--proto icmp|udp|tcp|sctp|N] [-6] [--count N] [--timeout MS] [--iface IF] [--json]
       listen --iface IF [--filter EXPR] [--out FILE.pcapng] [--promisc] [--count N] [--timeout MS] [--json]
      Print what a raw socket for the protocol receives (default icmp; ICMPv6 with -6), decoded:
      a summary line per packet, or JSON lines. IPv4 sockets deliver the IP header, IPv6 ones only
      the payload. Until --count packets or --timeout ms (default: forever) or Ctrl-C (a count
      on stderr); exit 1 when fewer than --count arrived.
      With --filter or --out: capture whole frames on IF through libpcap instead, --filter a
      pcap-filter expression run in the kernel (tcpdump's syntax, e.g. 'icmp and host 198.18.5.2'),
      --out writing them live to pcapng; at the end stderr says how many were captured and how
      many the kernel dropped.`;

/** A line of `listen --json`: the decode --json format plus where the packet came from. */
type ListenJson = PacketJson & { from?: string; family?: 4 | 6; protocol?: number; includesIpHeader?: boolean; firstLayer?: string };

const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, sctp: 132, icmpv6: 58 };

export async function listenCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    allowPositionals: false,
    options: {
      proto: { type: 'string', short: 'p' },
      '6': { type: 'boolean', short: '6' },
      '4': { type: 'boolean', short: '4' },
      count: { type: 'string', short: 'c' },
      timeout: { type: 'string' },
      iface: { type: 'string', short: 'i' },
      filter: { type: 'string' },
      out: { type: 'string' },
      promisc: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  }, 'listen: ', usageHint(LISTEN_USAGE));
  checkFamilyFlags('listen', values);
  const link = values.filter !== undefined || values.out !== undefined || values.promisc;
  if (link) {
    if (values.iface === undefined) throw new CliError(`listen: --filter, --out and --promisc capture on an interface: give --iface (see rawcraft interfaces)${usageHint(LISTEN_USAGE)}`);
    if (values.proto !== undefined || values['4'] || values['6']) throw new CliError('listen: --proto, -4 and -6 choose a raw socket; with --filter say it in the filter instead (e.g. --filter icmp6)');
  }
  const family = values['6'] ? 6 : 4;
  const protocol = protocolNumber(values.proto ?? 'icmp', family);
  const count = values.count === undefined ? undefined : integer('listen', '--count', values.count, 0, 1, 1e9);
  const timeoutMs = values.timeout === undefined ? undefined : integer('listen', '--timeout', values.timeout, 0, 0, 2 ** 31 - 1);
  if (link) {
    return linkListen({ iface: values.iface!, filter: values.filter, out: values.out, count, timeoutMs, json: !!values.json, promiscuous: !!values.promisc }, io);
  }
  const transport = new RawTransport({ kind: 'raw', ...(values.iface !== undefined && { interface: values.iface }) });
  // What the kernel dropped because the receive queue was full is said at the end, never lost silently.
  let dropped: number | undefined;
  let index = 0;
  const out = new BatchedOutput(io);
  // Ctrl-C ends the wait like --timeout would, with a count on stderr (stdout carries the packets), as tcpdump does.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    const packets = transport.receive({ protocols: [{ family, protocol }], signal: stop.signal, onStats: (s) => (dropped = s.dropped), ...(count !== undefined && { count }), ...(timeoutMs !== undefined && { timeoutMs }) });
    for await (const p of packets) {
      let line: string;
      if (values.json) {
        // Set on the fresh object, not spread into a copy: the copy made JSON.stringify twice as slow.
        const json: ListenJson = packetToJson(index, p.packet, p.receivedAt);
        json.from = p.from;
        json.family = p.family;
        json.protocol = p.protocol;
        json.includesIpHeader = p.includesIpHeader;
        json.firstLayer = p.firstLayer;
        line = JSON.stringify(json) + '\n';
      } else {
        const from = p.includesIpHeader ? '' : `from ${p.from}: `;
        line = `${clock(p.receivedAt)} ${from}${summary(p.packet)}\n`;
      }
      const wait = out.add(line);
      if (wait) await wait;
      index++;
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await out.flush();
    await transport.close();
  }
  if (dropped) io.error(`rawcraft: listen: ${dropped} packet${dropped === 1 ? '' : 's'} dropped by the kernel (the socket's receive queue was full)`);
  if (stop.signal.aborted) {
    io.error(`rawcraft: listen: interrupted, ${index} packet${index === 1 ? '' : 's'} received`);
    return EXIT_OK;
  }
  if (count !== undefined && index < count) {
    // Say why the exit code is 1: the timeout ended the wait first.
    io.error(`rawcraft: listen: ${index === 0 ? 'no packet' : `${index} of ${count} packets`} received${timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`}`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

function protocolNumber(text: string, family: 4 | 6): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n > 254) throw new CliError(`listen: --proto ${text}: expected a protocol number 0..254 (255 sockets cannot receive)`);
    return n;
  }
  const name = text.toLowerCase();
  if (name === 'icmp') return family === 6 ? 58 : 1;
  const n = PROTOCOLS[name];
  if (n === undefined) throw new CliError(`listen: --proto ${JSON.stringify(text)}: expected icmp, udp, tcp, sctp or a protocol number`);
  return n;
}
