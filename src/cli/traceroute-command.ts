/**
 * `rawcraft traceroute HOST [-4|-6] [--proto icmp|udp|tcp] [--max-hops N] [--queries N]
 * [--timeout MS] [--port N] [--json]`: printed like traceroute(8), or as JSON lines.
 */
import { traceroute, type TracerouteHop, type TracerouteProtocol } from '../transport/traceroute.js';
import { checkFamilyFlags, integer, listOrNone, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';

export const TRACEROUTE_USAGE = `traceroute HOST [-4|-6] [--proto icmp|udp|tcp] [--max-hops N] [--queries N] [--timeout MS] [--port N] [--json]
      The route to HOST: probes with growing TTL / hop limit (UDP by default, 3 per hop, 30
      hops, 1 s wait) through raw sockets; output like traceroute(8), or JSON lines.
      Exit 0 when the destination answered, 1 when it did not.`;

export async function tracerouteCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      '4': { type: 'boolean', short: '4' },
      '6': { type: 'boolean', short: '6' },
      proto: { type: 'string', short: 'P' },
      'max-hops': { type: 'string', short: 'm' },
      queries: { type: 'string', short: 'q' },
      timeout: { type: 'string', short: 'w' },
      port: { type: 'string', short: 'p' },
      json: { type: 'boolean' },
    },
  }, 'traceroute: ', usageHint(TRACEROUTE_USAGE));
  if (positionals.length !== 1) throw new CliError(`traceroute: expected one HOST (there is no default), got ${listOrNone(positionals)}${usageHint(TRACEROUTE_USAGE)}`);
  checkFamilyFlags('traceroute', values);
  const protocol = (values.proto ?? 'udp') as TracerouteProtocol;
  if (!['icmp', 'udp', 'tcp'].includes(protocol)) throw new CliError(`traceroute: --proto ${JSON.stringify(values.proto)}: expected icmp, udp or tcp`);
  const family = values['6'] ? 6 : values['4'] ? 4 : undefined;
  const maxHops = integer('traceroute', '--max-hops', values['max-hops'], 30, 1, 255);
  const json = !!values.json;
  const writes: Promise<void>[] = [];
  const print = (text: string) => writes.push(io.write(text + '\n'));
  let banner = false;
  const result = await traceroute(positionals[0], {
    protocol,
    ...(family && { family }),
    maxHops,
    queries: integer('traceroute', '--queries', values.queries, 3, 1, 10),
    timeoutMs: integer('traceroute', '--timeout', values.timeout, 1000, 1, 3_600_000),
    ...(values.port !== undefined && { port: integer('traceroute', '--port', values.port, 0, 1, 65535) }),
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
  await Promise.all(writes);
  if (!banner) throw new Error('traceroute did not start');
  if (json) await io.write(JSON.stringify({ event: 'summary', host: result.host, address: result.address, family: result.family, protocol: result.protocol, hops: result.hops.length, reached: result.reached }) + '\n');
  return result.reached ? EXIT_OK : EXIT_FINDINGS;
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
    probes: hop.probes.map(({ result: _result, ...p }) => ({ ...p, ...(p.rttMs !== undefined && { rttMs: round(p.rttMs) }) })),
  };
}

function round(n: number): string {
  return n.toFixed(3);
}
