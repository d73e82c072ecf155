/**
 * `rawcraft listen [--proto icmp|udp|tcp|sctp|N] [-6] [--count N] [--timeout MS] [--iface IF] [--json]`:
 * print what a raw socket receives, decoded: one summary line per packet, or JSON lines (the
 * `decode --json` format plus where it came from).
 */
import { packetToJson } from '../codec/json.js';
import { summary } from '../codec/print.js';
import { openTransport } from '../transport/transport.js';
import { checkFamilyFlags, integer, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const LISTEN_USAGE = `listen [--proto icmp|udp|tcp|sctp|N] [-6] [--count N] [--timeout MS] [--iface IF] [--json]
      Print what a raw socket for the protocol receives (default icmp; ICMPv6 with -6), decoded:
      a summary line per packet, or JSON lines. IPv4 sockets deliver the IP header, IPv6 ones only
      the payload. Until --count packets or --timeout ms (default: forever) or Ctrl-C (a count
      on stderr); exit 1 when fewer than --count arrived.`;

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
      json: { type: 'boolean' },
    },
  }, 'listen: ', usageHint(LISTEN_USAGE));
  checkFamilyFlags('listen', values);
  const family = values['6'] ? 6 : 4;
  const protocol = protocolNumber(values.proto ?? 'icmp', family);
  const count = values.count === undefined ? undefined : integer('listen', '--count', values.count, 0, 1, 1e9);
  const timeoutMs = values.timeout === undefined ? undefined : integer('listen', '--timeout', values.timeout, 0, 0, 2 ** 31 - 1);
  const transport = openTransport({ kind: 'raw', ...(values.iface !== undefined && { interface: values.iface }) });
  let index = 0;
  // Ctrl-C ends the wait like --timeout would, with a count on stderr (stdout carries the packets), as tcpdump does.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    const packets = transport.receive({ protocols: [{ family, protocol }], signal: stop.signal, ...(count !== undefined && { count }), ...(timeoutMs !== undefined && { timeoutMs }) });
    for await (const p of packets) {
      if (values.json) {
        const json = packetToJson(index, p.packet, p.receivedAt);
        await io.write(JSON.stringify({ ...json, from: p.from, family: p.family, protocol: p.protocol, includesIpHeader: p.includesIpHeader, firstLayer: p.firstLayer }) + '\n');
      } else {
        const from = p.includesIpHeader ? '' : `from ${p.from}: `;
        await io.write(`${clock(p.receivedAt)} ${from}${summary(p.packet)}\n`);
      }
      index++;
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await transport.close();
  }
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

/** `HH:MM:SS.uuuuuu` local time, like tcpdump. */
function clock(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  const micros = Number((ns / 1000n) % 1_000_000n);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(micros).padStart(6, '0')}`;
}
