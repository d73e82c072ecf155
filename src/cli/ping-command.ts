/**
 * `rawcraft ping HOST [-4|-6] [-c N] [-i S] [-W S] [-s B] [-p HEX] [-I ADDR|IF] [-R] [-t N] [--json]`:
 * ICMP / ICMPv6 echo through raw sockets, with ping(8)'s flags and units, printed like iputils
 * ping (statistics on Ctrl-C too), or as JSON lines.
 */
import { isIP } from 'node:net';
import { ping, type PingOptions, type PingReply, type PingResult } from '../transport/request/ping.js';
import { checkFamilyFlags, integer, listOrNone, parseCommandArgs, seconds, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { LINK_FLAG_OPTIONS, LINK_FLAGS_USAGE, linkTransportFromFlags } from './link-flags.js';

export const PING_USAGE = `ping HOST [-4|-6] [-c N] [-i S] [-W S] [-s B] [-p HEX] [-I ADDR|IF] [-R] [-t N] [--transport raw|link] [--iface IF] [--dst-mac MAC] [--src-mac MAC] [--json]
      ICMP / ICMPv6 echo requests through raw sockets (root or CAP_NET_RAW); output like
      ping(8), or JSON lines. Ctrl-C stops and prints the statistics.
      -c, --count N          requests to send (default 4)
      -i, --interval S       seconds between requests, fractions allowed (default 1)
      -W, --timeout S        seconds to wait for each reply (default 1)
      -s, --size B           payload bytes after the ICMP header (default 56)
      -p, --pattern HEX      up to 16 bytes repeated to fill the payload, e.g. ff00
      -I, --interface ADDR|IF  source address, or interface to send through (its address)
      -R, --record-route     IPv4 Record Route option; print each reply's recorded route
      -t, --ttl N            IPv4 TTL / IPv6 hop limit (default 64)
      -4, -6                 IPv4 or IPv6 when HOST is a name
      --iface IF             the interface to send through (as -I IF)
      ${LINK_FLAGS_USAGE}
      Exit 0 when a reply came, 1 when none did.`;

export async function pingCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      '4': { type: 'boolean', short: '4' },
      '6': { type: 'boolean', short: '6' },
      count: { type: 'string', short: 'c' },
      interval: { type: 'string', short: 'i' },
      timeout: { type: 'string', short: 'W' },
      size: { type: 'string', short: 's' },
      pattern: { type: 'string', short: 'p' },
      interface: { type: 'string', short: 'I' },
      'record-route': { type: 'boolean', short: 'R' },
      ttl: { type: 'string', short: 't' },
      iface: { type: 'string' },
      ...LINK_FLAG_OPTIONS,
      json: { type: 'boolean' },
    },
  }, 'ping: ', usageHint(PING_USAGE));
  if (positionals.length !== 1) throw new CliError(`ping: expected one HOST (there is no default), got ${listOrNone(positionals)}${usageHint(PING_USAGE)}`);
  checkFamilyFlags('ping', values);
  const host = positionals[0];
  const json = !!values.json;
  const family: 4 | 6 | undefined = values['6'] ? 6 : values['4'] ? 4 : undefined;
  const size = integer('ping', '--size', values.size, 56, 0, 65_000);
  const pattern = values.pattern === undefined ? undefined : hexPattern(values.pattern);
  const through = values.interface;
  const throughIface = through !== undefined && !isIP(through.replace(/%.*$/, '')) ? through : undefined;
  if (throughIface !== undefined && values.iface !== undefined && throughIface !== values.iface) throw new CliError(`ping: -I ${throughIface} and --iface ${values.iface} name different interfaces`);
  const iface = values.iface ?? throughIface;
  const options: PingOptions = {
    count: integer('ping', '--count', values.count, 4, 1, 1e9),
    intervalMs: seconds('ping', '--interval', values.interval, 1000, 0, 3600),
    timeoutMs: seconds('ping', '--timeout', values.timeout, 1000, 0.001, 60),
    size,
    ttl: integer('ping', '--ttl', values.ttl, 64, 1, 255),
    ...(family && { family }),
    ...(pattern && { pattern }),
    ...(through !== undefined && throughIface === undefined && { source: through }),
    ...(iface !== undefined && { interface: iface }),
    ...(values['record-route'] && { recordRoute: true }),
  };
  if (values['record-route'] && (family === 6 || isIP(host) === 6)) throw new CliError('ping: -R (record route) is IPv4 only: IPv6 has no Record Route option');
  const lines: Promise<void>[] = [];
  // The banner waits for the first answer: a privilege error then comes alone, as one line.
  let banner: string | undefined;
  const print = (text: string) => {
    if (banner !== undefined) lines.push(io.write(banner + '\n'));
    banner = undefined;
    lines.push(io.write(text + '\n'));
  };

  // Ctrl-C ends the run early; the statistics are still printed, as ping(8) does.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  const transport = linkTransportFromFlags('ping', values, iface);
  let result: PingResult;
  try {
    result = await ping(host, {
      ...options,
      ...(transport && { transport }),
      stopSignal: stop.signal,
      onStart: (start) => {
        const patternLine = pattern ? `PATTERN: 0x${Buffer.from(pattern).toString('hex')}\n` : '';
        banner = json ? JSON.stringify({ event: 'start', ...start }) : patternLine + pingBanner(start.host, start.address, start.family, start.size, start.packetSize);
      },
      onReply: (reply) => {
        if (json) print(JSON.stringify(replyJson(reply)));
        else {
          const line = replyLine(reply);
          if (line) print(line);
        }
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    await transport?.close();
  }
  if (banner !== undefined) lines.push(io.write(banner + '\n'));
  await Promise.all(lines);
  if (json) {
    const { replies: _replies, ...summary } = result;
    await io.write(JSON.stringify({ event: 'summary', ...summary, interrupted: !!summary.interrupted, timeMs: ms(summary.timeMs), rtt: summary.rtt ? mapValues(summary.rtt, ms) : null }) + '\n');
  } else {
    await io.write(summaryText(result));
  }
  return result.received > 0 ? EXIT_OK : EXIT_FINDINGS;
}

/** `-p ff00`: hex, whole bytes, 1 to 16 of them (ping(8)'s limit). */
function hexPattern(text: string): Uint8Array {
  const hex = text.replace(/^0x/i, '');
  if (!/^([0-9a-f]{2}){1,16}$/i.test(hex)) throw new CliError(`ping: --pattern ${JSON.stringify(text)}: expected 1 to 16 bytes of hex, e.g. ff00`);
  return Buffer.from(hex, 'hex');
}

/** ping(8)'s first line, printed before the first reply. */
export function pingBanner(host: string, address: string, family: 4 | 6, size: number, packetSize = size + (family === 4 ? 28 : 48)): string {
  return family === 4 ? `PING ${host} (${address}) ${size}(${packetSize}) bytes of data.` : `PING ${host} (${address}) ${size} data bytes`;
}

function replyLine(reply: PingReply): string | undefined {
  switch (reply.status) {
    case 'reply': {
      const line = `${reply.bytes} bytes from ${reply.from}: icmp_seq=${reply.seq}${reply.ttl !== undefined ? ` ttl=${reply.ttl}` : ''} time=${ms(reply.rttMs!)} ms`;
      // ping(8) -R: the recorded route under the reply line, one address a line.
      return reply.route ? `${line}\nRR: \t${reply.route.join('\n\t')}\n` : line;
    }
    case 'error':
      return `From ${reply.from} icmp_seq=${reply.seq} ${reply.error}`;
    default:
      return `no answer yet for icmp_seq=${reply.seq}`;
  }
}

/** One type per field: numbers and strings, null where the request got no answer (never left out). */
function replyJson(reply: PingReply): Record<string, unknown> {
  const { result, ...rest } = reply;
  return {
    event: reply.status,
    ...rest,
    from: rest.from ?? null,
    bytes: rest.bytes ?? null,
    ttl: rest.ttl ?? null,
    rttMs: rest.rttMs === undefined ? null : ms(rest.rttMs),
    error: rest.error ?? null,
    ...(result.status === 'timeout' && result.rejected.length > 0 && { rejected: result.explanation.split('\n') }),
  };
}

function summaryText(r: PingResult): string {
  const errors = r.errors ? `, +${r.errors} errors` : '';
  let text = `\n--- ${r.host} ping statistics ---\n${r.transmitted} packets transmitted, ${r.received} received${errors}, ${r.lossPercent}% packet loss, time ${Math.round(r.timeMs)}ms\n`;
  if (r.rtt) text += `rtt min/avg/max/mdev = ${ms(r.rtt.minMs)}/${ms(r.rtt.avgMs)}/${ms(r.rtt.maxMs)}/${ms(r.rtt.mdevMs)} ms\n`;
  return text;
}

function ms(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function mapValues<T extends Record<string, number>>(o: T, f: (n: number) => number): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as T;
}
