/** Argument parsing shared by the CLI commands: node:util's parseArgs with one-line CliErrors, and option checks. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';
import { didYouMean } from '../codec/suggest.js';

/** After a command's bad-argument message: where to read about it. */
export const SEE_HELP = ' (see rawcraft help)';

/** After a command's bad-argument message: its usage line (one line: errors are one line). */
export function usageHint(usage: string): string {
  const command = usage.split(' ')[0];
  return ` (usage: rawcraft ${usage.split('\n')[0]}; see rawcraft ${command} --help)`;
}

/** True when `argv` asks for help: `--help` or `-h` anywhere before a `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * `--count -1` and `-c -1` become `--count=-1`: node's parseArgs refuses an option value that
 * starts with a dash as "ambiguous"; a negative number is a value, which the option's own check
 * then judges (e.g. "--count: must be >= 1").
 */
export function attachNegativeNumbers(argv: readonly string[], options: OptionSpec): string[] {
  const byShort = new Map(Object.entries(options).filter(([, o]) => o.short).map(([name, o]) => [o.short!, name]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg[1]) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * parseArgs (strict) on `argv`; its error becomes a CliError: `prefix`, the first line of
 * node's message, then `suffix`.
 */
export function parseCommandArgs<T extends Omit<ParseArgsConfig, 'args' | 'strict'>>(
  argv: readonly string[],
  config: T,
  prefix: string,
  suffix: string,
): ReturnType<typeof parseArgs<T & { args: string[]; strict: true }>> {
  try {
    return parseArgs({ ...config, args: attachNegativeNumbers(argv, config.options ?? {}), strict: true });
  } catch (error) {
    throw new CliError(`${prefix}${argsMessage(error as Error, Object.keys(config.options ?? {}))}${suffix}`);
  }
}

/**
 * The first line of node's message; for an unknown option, without its advice about '--' (a
 * mistyped flag is the likely cause, not a positional starting with a dash) and with the
 * closest long option, if any.
 */
function argsMessage(error: Error, optionNames: readonly string[]): string {
  const unknown = /^Unknown option '([^']+)'/.exec(error.message);
  if (!unknown) return error.message.split('\n')[0];
  const flag = unknown[1];
  return `Unknown option '${flag}'${flag.startsWith('--') ? didYouMean(flag, optionNames.map((n) => `--${n}`)) : ''}`;
}

/** Positional arguments for a message: joined, or `none`. */
export function listOrNone(positionals: readonly string[]): string {
  return positionals.length ? positionals.join(' ') : 'none';
}

/** A CliError `COMMAND: give one of -4 and -6` when both are set. */
export function checkFamilyFlags(command: string, values: { readonly '4'?: boolean; readonly '6'?: boolean }): void {
  if (values['4'] && values['6']) throw new CliError(`${command}: give one of -4 and -6`);
}

/** A number option (`fractions`: decimals allowed), or a CliError naming it and the bound it breaks. */
function numberOption(command: string, name: string, text: string, min: number, max: number, fractions: boolean, unit = ''): number {
  const n = Number(text);
  const shape = fractions ? /^-?(\d+(\.\d*)?|\.\d+)$/ : /^-?\d+$/;
  if (!shape.test(text.trim()) || !Number.isFinite(n)) throw new CliError(`${command}: ${name} ${JSON.stringify(text)}: expected ${fractions ? 'a number' : 'an integer'} ${min}..${max}${unit}`);
  if (n < min) throw new CliError(`${command}: ${name}: must be >= ${min}${unit} (got ${text})`);
  if (n > max) throw new CliError(`${command}: ${name}: must be <= ${max}${unit} (got ${text})`);
  return n;
}

/** A whole-number option, or a CliError naming it. */
export function integer(command: string, name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  return text === undefined ? fallback : numberOption(command, name, text, min, max, false);
}

/**
 * A number of seconds (fractions allowed, like ping(8)'s `-i 0.2`), returned in milliseconds.
 * Messages say "seconds": `--timeout 1000` meant as milliseconds gets `must be <= 60 seconds`.
 */
export function seconds(command: string, name: string, text: string | undefined, fallbackMs: number, minSeconds: number, maxSeconds: number): number {
  return text === undefined ? fallbackMs : numberOption(command, name, text, minSeconds, maxSeconds, true, ' seconds') * 1000;
}
