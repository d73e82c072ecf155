#!/usr/bin/env node
/** The `rawcraft` command line. Exit codes: 0 ok, 1 findings or failures, 2 usage, input or privilege errors. */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { match, P } from 'ts-pattern';
import { RawcraftError } from '../codec/errors.js';
import { closest } from '../codec/suggest.js';
import { wantsHelp } from './args.js';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { inCliTerms } from './cli-terms.js';
import type { CliContext } from './context.js';
import { decodeCommand, DECODE_USAGE } from './decode-command.js';
import { encodeCommand, ENCODE_USAGE } from './encode-command.js';
import { preflightCommand, PREFLIGHT_USAGE } from './preflight-command.js';
import { probeCommand, PROBE_USAGE } from './probe-command.js';
import { sendCommand, SEND_USAGE } from './send-command.js';
import { pingCommand, PING_USAGE } from './ping-command.js';
import { tracerouteCommand, TRACEROUTE_USAGE } from './traceroute-command.js';
import { listenCommand, LISTEN_USAGE } from './listen-command.js';
import { buildCommand, BUILD_USAGE } from './build-command.js';
import { fuzzCommand, FUZZ_USAGE } from './fuzz-command.js';
import { trafficCommand, TRAFFIC_USAGE } from './traffic-command.js';
import { lsCommand, LS_USAGE } from './ls-command.js';
import { interfacesCommand, INTERFACES_USAGE } from './interfaces-command.js';
import { arpCommand, ARP_USAGE } from './arp-command.js';
import { srCommand, SR_USAGE } from './sr-command.js';

/** One CLI command: its usage text (first word: the command's name) and what runs it. */
interface Command {
  readonly usage: string;
  readonly run: (argv: readonly string[], io: CliContext) => Promise<number>;
}

/**
 * Every command, in the order `rawcraft help` lists them. A new command is one line here:
 * `--help`, `-h`, `rawcraft help NAME` and "did you mean" then work for it.
 */
const COMMANDS: readonly Command[] = [
  { usage: DECODE_USAGE, run: decodeCommand },
  { usage: ENCODE_USAGE, run: encodeCommand },
  { usage: PREFLIGHT_USAGE, run: preflightCommand },
  { usage: PROBE_USAGE, run: probeCommand },
  { usage: SEND_USAGE, run: sendCommand },
  { usage: PING_USAGE, run: pingCommand },
  { usage: TRACEROUTE_USAGE, run: tracerouteCommand },
  { usage: LISTEN_USAGE, run: listenCommand },
  { usage: BUILD_USAGE, run: buildCommand },
  { usage: FUZZ_USAGE, run: fuzzCommand },
  { usage: TRAFFIC_USAGE, run: trafficCommand },
  { usage: SR_USAGE, run: srCommand },
  { usage: LS_USAGE, run: lsCommand },
  { usage: INTERFACES_USAGE, run: interfacesCommand },
  { usage: ARP_USAGE, run: arpCommand },
];

const commandName = (c: Command): string => c.usage.split(' ')[0];
const NAMES = COMMANDS.map(commandName);
const findCommand = (name: string): Command | undefined => COMMANDS.find((c) => commandName(c) === name);

const USAGE = `usage: rawcraft <command> [options]    (rawcraft <command> --help: that command alone)

commands:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}

  help [COMMAND]     this text, or one command's
  --version, -V      the version

exit codes: 0 ok, 1 findings or failures (a send failed, no reply), 2 usage, input or
privilege errors (no raw-socket rights: the message says how to get them)`;

function unknownCommand(name: string): CliError {
  const hit = closest(name, NAMES);
  return new CliError(`unknown command ${JSON.stringify(name)}${hit ? ` (did you mean ${hit}?)` : ''}; commands: ${NAMES.join(', ')} (see rawcraft help)`);
}

/** `usage: rawcraft CMD ...`, the command's usage text. */
async function commandHelp(name: string, io: CliContext): Promise<number> {
  const command = findCommand(name);
  if (!command) throw unknownCommand(name);
  await io.write(`usage: rawcraft ${command.usage}\n`);
  return 0;
}

/** The version in rawcraft's package.json (found upwards from this file: src/cli or dist/src/cli). */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rawcraft' && pkg.version) return pkg.version;
    } catch {
      // Not here: look one folder up.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

export async function run(argv: string[], io: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  return match(command)
    .with(P.union('--version', '-V'), async () => {
      await io.write(`rawcraft ${packageVersion()}\n`);
      return 0;
    })
    .with(P.union('help', '--help', '-h'), async () => {
      if (rest[0] !== undefined) return commandHelp(rest[0], io);
      await io.write(USAGE + '\n');
      return 0;
    })
    .with(P.nullish, async () => {
      await io.write(USAGE + '\n');
      return EXIT_USAGE;
    })
    .with(P.when((name: string) => findCommand(name) !== undefined), async (name) =>
      wantsHelp(rest) ? commandHelp(name, io) : findCommand(name)!.run(rest, io),
    )
    .otherwise(async (name) => {
      throw unknownCommand(name);
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
    // Library messages may name library options ({ force: true }): say the flags instead.
    if (error instanceof CliError) {
      io.error(`rawcraft: ${inCliTerms(error.message)}`);
      process.exitCode = error.exitCode;
    } else if (error instanceof RawcraftError) {
      io.error(`rawcraft: ${inCliTerms(error.message)}`);
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
