#!/usr/bin/env node
/** The `rawcraft` command line. Exit codes: 0 ok, 1 findings or failures, 2 usage, input or privilege errors. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { match, P } from 'ts-pattern';
import { RawcraftError } from '../codec/errors.js';
import { parseCommandArgs, SEE_HELP } from './args.js';
import { CliError, EXIT_USAGE } from './cli-error.js';
import type { CliContext } from './context.js';
import { decodeCommand } from './decode-command.js';
import { encodeCommand } from './encode-command.js';
import { preflightCommand, PREFLIGHT_USAGE } from './preflight-command.js';
import { probeCommand, PROBE_USAGE } from './probe-command.js';
import { sendCommand, SEND_USAGE } from './send-command.js';
import { pingCommand, PING_USAGE } from './ping-command.js';
import { tracerouteCommand, TRACEROUTE_USAGE } from './traceroute-command.js';
import { listenCommand, LISTEN_USAGE } from './listen-command.js';
import { buildCommand, BUILD_USAGE } from './build-command.js';
import { fuzzCommand, FUZZ_USAGE } from './fuzz-command.js';
import { trafficCommand, TRAFFIC_USAGE } from './traffic-command.js';

const USAGE = `usage: rawcraft <command> [options]

commands:
  decode [FILE|-] [--hex HEX ...] [--json] [--lax] [--dump]
      Decode pcap, pcapng or hex lines (one packet per line); print a tree, or JSON lines.
  encode [FILE|-] [--hex | --pcap OUT | --pcapng OUT]
      Encode JSON lines (the decode --json format) to hex lines or a capture file.
      A field present is written as given; a field removed is computed.
  ${PREFLIGHT_USAGE}
  ${PROBE_USAGE}
  ${SEND_USAGE}
  ${PING_USAGE}
  ${TRACEROUTE_USAGE}
  ${LISTEN_USAGE}
  ${BUILD_USAGE}
  ${FUZZ_USAGE}
  ${TRAFFIC_USAGE}

exit codes: 0 ok, 1 findings or failures (a send failed, no reply), 2 usage, input or
privilege errors (no raw-socket rights: the message says how to get them)`;

function options<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>>(argv: string[], spec: T) {
  return parseCommandArgs(argv, { options: spec, allowPositionals: true }, '', SEE_HELP);
}

function onePositional(positionals: string[], command: string): string | undefined {
  if (positionals.length > 1) throw new CliError(`${command}: expected at most one FILE, got ${positionals.join(' ')}`);
  return positionals[0];
}

const COMMANDS = ['decode', 'encode', 'preflight', 'probe', 'send', 'ping', 'traceroute', 'listen', 'build', 'fuzz', 'traffic', 'help'];

export async function run(argv: string[], io: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  return match(command)
    .with('decode', async () => {
      const { values, positionals } = options(rest, {
        hex: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        lax: { type: 'boolean' },
        dump: { type: 'boolean' },
      });
      return decodeCommand(
        { file: onePositional(positionals, 'decode'), hex: values.hex ?? [], json: !!values.json, lax: !!values.lax, dump: !!values.dump },
        io,
      );
    })
    .with('encode', async () => {
      const { values, positionals } = options(rest, {
        hex: { type: 'boolean' },
        pcap: { type: 'string' },
        pcapng: { type: 'string' },
      });
      if (values.hex && (values.pcap || values.pcapng)) throw new CliError('encode: give one of --hex, --pcap and --pcapng');
      return encodeCommand({ file: onePositional(positionals, 'encode'), pcap: values.pcap, pcapng: values.pcapng }, io);
    })
    .with('preflight', () => preflightCommand(rest, io))
    .with('probe', () => probeCommand(rest, io))
    .with('send', () => sendCommand(rest, io))
    .with('ping', () => pingCommand(rest, io))
    .with('traceroute', () => tracerouteCommand(rest, io))
    .with('listen', () => listenCommand(rest, io))
    .with('build', () => buildCommand(rest, io))
    .with('fuzz', () => fuzzCommand(rest, io))
    .with('traffic', () => trafficCommand(rest, io))
    .with(P.union('help', '--help', '-h', P.nullish), async () => {
      await io.write(USAGE + '\n');
      return command === undefined ? EXIT_USAGE : 0;
    })
    .otherwise(async () => {
      throw new CliError(`unknown command ${JSON.stringify(command)}; commands: ${COMMANDS.join(', ')} (see rawcraft help)`);
    });
}

function processContext(): CliContext {
  return {
    stdin: process.stdin,
    tty: !!process.stdout.isTTY,
    ...(process.stderr.isTTY && { progress: (text: string) => void process.stderr.write(`\r\x1b[K${text}`) }),
    write: (text) =>
      new Promise((resolve) => {
        if (process.stdout.write(text)) resolve();
        else process.stdout.once('drain', resolve);
      }),
    error: (text) => process.stderr.write(text + '\n'),
  };
}

async function main(): Promise<void> {
  // `rawcraft decode x | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const io = processContext();
  try {
    process.exitCode = await run(process.argv.slice(2), io);
  } catch (error) {
    if (error instanceof CliError) {
      io.error(`rawcraft: ${error.message}`);
      process.exitCode = error.exitCode;
    } else if (error instanceof RawcraftError) {
      io.error(`rawcraft: ${error.message}`);
      process.exitCode = EXIT_USAGE;
    } else {
      io.error(`rawcraft: internal error: ${(error as Error)?.stack ?? String(error)}`);
      process.exitCode = 70;
    }
  }
}

/** Whether this module is the program (`rawcraft`, `node main.js`), not imported by a test that calls run(). */
function isProgram(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) await main();
