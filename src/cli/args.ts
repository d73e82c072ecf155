/** Argument parsing shared by the CLI commands: node:util's parseArgs with one-line CliErrors, and option checks. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

/** After a command's bad-argument message: where to read about it. */
export const SEE_HELP = ' (see rawcraft help)';

/** After a command's bad-argument message: its usage text. */
export function usageHint(usage: string): string {
  return `\nusage: rawcraft ${usage}`;
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
    return parseArgs({ ...config, args: [...argv], strict: true });
  } catch (error) {
    throw new CliError(`${prefix}${(error as Error).message.split('\n')[0]}${suffix}`);
  }
}

/** Positional arguments for a message: joined, or `none`. */
export function listOrNone(positionals: readonly string[]): string {
  return positionals.length ? positionals.join(' ') : 'none';
}

/** A CliError `COMMAND: give one of -4 and -6` when both are set. */
export function checkFamilyFlags(command: string, values: { readonly '4'?: boolean; readonly '6'?: boolean }): void {
  if (values['4'] && values['6']) throw new CliError(`${command}: give one of -4 and -6`);
}

/** A whole-number option, or a CliError naming it. */
export function integer(command: string, name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new CliError(`${command}: ${name} ${JSON.stringify(text)}: expected an integer ${min}..${max}`);
  return n;
}
