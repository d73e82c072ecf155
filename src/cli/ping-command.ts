/**
 * `rawcraft ping HOST [-4|-6] [--count N] [--interval MS] [--timeout MS] [--size B] [--ttl N] [--json]`:
 * ICMP / ICMPv6 echo through raw sockets, printed like iputils ping, or as JSON lines.
 */
import { ping, type PingReply, type PingResult } from '../transport/ping.js';
import { checkFamilyFlags, integer, listOrNone, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const PING_USAGE = `ping HOST [-4|-6] [--count N] [--interval MS] [--timeout MS] [--size B] [--ttl N] [--json]
      ICMP / ICMPv6 echo requests (default 4, one a second, 56 bytes, 1 s wait for each reply)
      through raw sockets (root or CAP_NET_RAW); output like ping(8), or JSON lines.
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
      ttl: { type: 'string', short: 't' },
      json: { type: 'boolean' },
    },
  }, 'ping: ', usageHint(PING_USAGE));
  if (positionals.length !== 1) throw new CliError(`ping: expected one HOST (there is no default), got ${listOrNone(positionals)}${usageHint(PING_USAGE)}`);
  checkFamilyFlags('ping', values);
  const host = positionals[0];
  const json = !!values.json;
  const family = values['6'] ? 6 : values['4'] ? 4 : undefined;
  const size = integer('ping', '--size', values.size, 56, 0, 65_000);
  const lines: Promise<void>[] = [];
  // The banner waits for the first answer: a privilege error then comes alone, as one line.
  let banner: string | undefined;
  const print = (text: string) => {
    if (banner !== undefined) lines.push(io.write(banner + '\n'));
    banner = undefined;
    lines.push(io.write(text + '\n'));
  };

  const result = await ping(host, {
    count: integer('ping', '--count', values.count, 4, 1, 1e9),
    intervalMs: integer('ping', '--interval', values.interval, 1000, 0, 3_600_000),
    timeoutMs: integer('ping', '--timeout', values.timeout, 1000, 1, 3_600_000),
    size,
    ttl: integer('ping', '--ttl', values.ttl, 64, 1, 255),
    ...(family && { family }),
    onStart: (start) => {
      banner = json ? JSON.stringify({ event: 'start', ...start }) : pingBanner(start.host, start.address, start.family, start.size);
    },
    onReply: (reply) => {
      if (json) print(JSON.stringify(replyJson(reply)));
      else {
        const line = replyLine(reply);
        if (line) print(line);
      }
    },
  });
  await Promise.all(lines);
  if (json) {
    const { replies: _replies, ...summary } = result;
    await io.write(JSON.stringify({ event: 'summary', ...summary, timeMs: ms(summary.timeMs), rtt: summary.rtt && mapValues(summary.rtt, ms) }) + '\n');
  } else {
    await io.write(summaryText(result));
  }
  return result.received > 0 ? EXIT_OK : EXIT_FINDINGS;
}

/** ping(8)'s first line, printed before the first reply. */
export function pingBanner(host: string, address: string, family: 4 | 6, size: number): string {
  return family === 4 ? `PING ${host} (${address}) ${size}(${size + 28}) bytes of data.` : `PING ${host} (${address}) ${size} data bytes`;
}

function replyLine(reply: PingReply): string | undefined {
  switch (reply.status) {
    case 'reply':
      return `${reply.bytes} bytes from ${reply.from}: icmp_seq=${reply.seq}${reply.ttl !== undefined ? ` ttl=${reply.ttl}` : ''} time=${ms(reply.rttMs!)} ms`;
    case 'error':
      return `From ${reply.from} icmp_seq=${reply.seq} ${reply.error}`;
    default:
      return `no answer yet for icmp_seq=${reply.seq}`;
  }
}

function replyJson(reply: PingReply): Record<string, unknown> {
  const { result, ...rest } = reply;
  return {
    event: reply.status,
    ...rest,
    ...(rest.rttMs !== undefined && { rttMs: ms(rest.rttMs) }),
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
