/**
 * `rawcraft traceroute HOST [-I|-T|-U] [-m N] [-q N] [-w S] [-f N] [-p PORT] [-s ADDR] [-i IF]
 * [-n] [-4|-6] [--json]`: traceroute(8)'s flags, printed like traceroute(8), or as JSON lines.
 */
import { traceroute, type TracerouteHop, type TracerouteOptions, type TracerouteProtocol, type TracerouteResult } from '../transport/request/traceroute.js';
import { checkFamilyFlags, integer, listOrNone, parseCommandArgs, seconds, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { LINK_FLAG_OPTIONS, LINK_FLAGS_USAGE, linkTransportFromFlags } from './link-flags.js';

export const TRACEROUTE_USAGE = `traceroute HOST [PACKET_LEN] [-I|-T|-U|-P PROTO] [-m N] [-q N] [-w S] [-f N] [-p PORT] [-s ADDR] [-i IF] [-t TOS] [-F] [-n] [-4|-6] [--transport raw|link] [--dst-mac MAC] [--src-mac MAC] [--json]
      The route to HOST: probes with growing TTL / hop limit through raw sockets; output like
      traceroute(8), or JSON lines (rttMs a number, null for no answer). Ctrl-C stops and
      prints a summary.
      -I, --icmp             ICMP echo probes
      -T, --tcp              TCP SYN probes (port 80 unless -p)
      -U, --udp              UDP probes (the default; port 33434 and up unless -p)
      -P, --proto PROTO      icmp, udp or tcp
      -m, --max-hops N       last TTL (default 30)
      -f, --first-hop N      first TTL (default 1)
      -q, --queries N        probes per hop (default 3)
      -w, --wait S           seconds to wait for each probe, fractions allowed (default 1)
      -p, --port PORT        UDP: first destination port; TCP: the destination port
      -s, --source ADDR      source address of the probes
      -i, --interface IF     send and receive only through this interface
      -t, --tos TOS          IPv4 TOS / IPv6 traffic class byte of the probes, 0..255 (default 0)
      -F, --dont-fragment    IPv4 Don't Fragment on the probes
      PACKET_LEN             whole probe length in bytes, IP header included (ICMP and UDP
                             probes; default 60 for IPv4, 80 for IPv6)
      -n                     numeric addresses (always: rawcraft resolves no hop names)
      -4, -6                 IPv4 or IPv6 when HOST is a name
      ${LINK_FLAGS_USAGE}
      Exit 0 when the destination answered, 1 when it did not.`;

export async function tracerouteCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      '4': { type: 'boolean', short: '4' },
      '6': { type: 'boolean', short: '6' },
      icmp: { type: 'boolean', short: 'I' },
      tcp: { type: 'boolean', short: 'T' },
      udp: { type: 'boolean', short: 'U' },
      proto: { type: 'string', short: 'P' },
      'max-hops': { type: 'string', short: 'm' },
      'first-hop': { type: 'string', short: 'f' },
      queries: { type: 'string', short: 'q' },
      wait: { type: 'string', short: 'w' },
      timeout: { type: 'string' },
      port: { type: 'string', short: 'p' },
      source: { type: 'string', short: 's' },
      interface: { type: 'string', short: 'i' },
      tos: { type: 'string', short: 't' },
      'dont-fragment': { type: 'boolean', short: 'F' },
      numeric: { type: 'boolean', short: 'n' },
      ...LINK_FLAG_OPTIONS,
      json: { type: 'boolean' },
    },
  }, 'traceroute: ', usageHint(TRACEROUTE_USAGE));
  if (positionals.length < 1 || positionals.length > 2) throw new CliError(`traceroute: expected HOST and at most a PACKET_LEN (there is no default host), got ${listOrNone(positionals)}${usageHint(TRACEROUTE_USAGE)}`);
  checkFamilyFlags('traceroute', values);
  const protocol = protocolOf(values);
  const family: 4 | 6 | undefined = values['6'] ? 6 : values['4'] ? 4 : undefined;
  const maxHops = integer('traceroute', '--max-hops', values['max-hops'], 30, 1, 255);
  if (values.wait !== undefined && values.timeout !== undefined) throw new CliError('traceroute: give one of --wait and --timeout');
  const options: TracerouteOptions = {
    protocol,
    ...(family && { family }),
    firstHop: integer('traceroute', '--first-hop', values['first-hop'], 1, 1, maxHops),
    maxHops,
    queries: integer('traceroute', '--queries', values.queries, 3, 1, 10),
    // --timeout: the old name of --wait, in seconds too.
    timeoutMs: seconds('traceroute', values.timeout !== undefined ? '--timeout' : '--wait', values.wait ?? values.timeout, 1000, 0.001, 60),
    ...(values.port !== undefined && { port: integer('traceroute', '--port', values.port, 0, 1, 65535) }),
    ...(values.source !== undefined && { source: values.source }),
    ...(values.interface !== undefined && { interface: values.interface }),
    ...(values.tos !== undefined && { tos: integer('traceroute', '--tos', values.tos, 0, 0, 255) }),
    ...(values['dont-fragment'] && { dontFragment: true }),
    ...(positionals[1] !== undefined && { packetLength: integer('traceroute', 'PACKET_LEN', positionals[1], 0, 1, 65535) }),
  };
  const json = !!values.json;
  const writes: Promise<void>[] = [];
  const print = (text: string) => writes.push(io.write(text + '\n'));
  let banner = false;
  // Ctrl-C ends the trace after the hops completed so far, and still prints a summary.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  const transport = linkTransportFromFlags('traceroute', values, values.interface);
  let result: TracerouteResult;
  try {
    result = await traceroute(positionals[0], {
      ...options,
      ...(transport && { transport }),
      stopSignal: stop.signal,
      onHop: (hop) => {
        if (json) print(JSON.stringify(hopJson(hop)));
        else print(hopLine(hop));
      },
      onStart: (start) => {
        banner = true;
        if (json) print(JSON.stringify({ event: 'start', ...start, maxHops }));
        else print(`traceroute to ${start.host} (${start.address}), ${maxHops} hops max, ${start.packetSize} byte packets`);
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    await transport?.close();
  }
  await Promise.all(writes);
  if (!banner) throw new Error('traceroute did not start');
  const interrupted = !!result.interrupted;
  if (json) {
    await io.write(JSON.stringify({ event: 'summary', host: result.host, address: result.address, family: result.family, protocol: result.protocol, hops: result.hops.length, reached: result.reached, interrupted }) + '\n');
  } else if (interrupted) {
    await io.write(`interrupted after ${result.hops.length} hop${result.hops.length === 1 ? '' : 's'}; ${result.address} not reached\n`);
  }
  return result.reached ? EXIT_OK : EXIT_FINDINGS;
}

function protocolOf(values: { icmp?: boolean; tcp?: boolean; udp?: boolean; proto?: string }): TracerouteProtocol {
  const chosen = [values.icmp && 'icmp', values.tcp && 'tcp', values.udp && 'udp', values.proto].filter((p): p is string => !!p);
  if (chosen.length > 1) throw new CliError(`traceroute: give one of -I, -T, -U and --proto (got ${chosen.join(', ')})`);
  const protocol = chosen[0] ?? 'udp';
  if (protocol !== 'icmp' && protocol !== 'udp' && protocol !== 'tcp') throw new CliError(`traceroute: --proto ${JSON.stringify(values.proto)}: expected icmp, udp or tcp`);
  return protocol;
}

/** ` 1  198.18.1.1  0.123 ms  0.101 ms  *` — a new address is printed before its first time, as traceroute(8) does. */
export function hopLine(hop: TracerouteHop): string {
  let text = `${String(hop.ttl).padStart(2)} `;
  let last: string | undefined;
  for (const p of hop.probes) {
    if (p.status === 'timeout') {
      text += ' *';
      continue;
    }
    if (p.from !== last) {
      text += ` ${p.from}`;
      last = p.from;
    }
    text += `  ${round(p.rttMs!)} ms${p.note ? ` ${p.note}` : ''}`;
  }
  return text;
}

function hopJson(hop: TracerouteHop): Record<string, unknown> {
  return {
    event: 'hop',
    ttl: hop.ttl,
    // One type per field: rttMs a number of milliseconds, null without an answer (as from and note).
    probes: hop.probes.map(({ result: _result, ...p }) => ({ ...p, from: p.from ?? null, rttMs: p.rttMs === undefined ? null : Number(round(p.rttMs)), note: p.note ?? null })),
  };
}

function round(n: number): string {
  return n.toFixed(3);
}
