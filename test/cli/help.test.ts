/**
 * The habits of the tools people know (issue 14): `CMD --help` / `-h` / `help CMD` for every
 * command, `--version`, "did you mean" for commands and fields, negative numbers judged by the
 * option. Runs the built CLI (dist/); nothing is sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError, ROOT } from '../expr/run-cli.js';

/** The commands `rawcraft help` lists (each usage entry is indented two spaces, starting with its name). */
async function listedCommands(): Promise<string[]> {
  const r = await cli(['help']);
  const section = r.stdout.split('\ncommands:\n')[1].split('\n\n')[0];
  return section.split('\n').filter((l) => /^ {2}[a-z]/.test(l)).map((l) => l.trim().split(' ')[0]);
}

describe('help for every command', () => {
  it('lists every command, ls included', async () => {
    const names = await listedCommands();
    expect(names).toEqual(expect.arrayContaining(['decode', 'encode', 'preflight', 'probe', 'send', 'ping', 'traceroute', 'listen', 'build', 'fuzz', 'traffic', 'ls']));
  });

  it('CMD --help, CMD -h and help CMD print that usage on stdout and exit 0', async () => {
    const names = await listedCommands();
    for (const name of names) {
      const [long, short, help, late] = await Promise.all([cli([name, '--help']), cli([name, '-h']), cli(['help', name]), cli([name, 'whatever', '--json', '--help'])]);
      for (const r of [long, short, help, late]) {
        expect(r.code, `${name}: ${r.stderr}`).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(new RegExp(`^usage: rawcraft ${name}( |\\n)`));
      }
      expect(short.stdout).toBe(long.stdout);
      expect(help.stdout).toBe(long.stdout);
    }
  });

  it('help of an unknown command: one line, did you mean', async () => {
    expectOneLineError(await cli(['help', 'traceroot']), /unknown command "traceroot" \(did you mean traceroute\?\)/);
  });

  it('--version and -V print package.json version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`rawcraft ${version}\n`);
    }
  });
});

describe('mistakes get one line that helps', () => {
  it('a mistyped command: did you mean', async () => {
    expectOneLineError(await cli(['pign', '127.0.0.1']), /unknown command "pign" \(did you mean ping\?\)/);
    expectOneLineError(await cli(['decod']), /did you mean decode\?/);
  });

  it('negative numbers: "must be >= N", not "argument is ambiguous" plus the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['fuzz', 'ipv4()/udp()', '--count', '-1'], /^rawcraft: fuzz: --count: must be >= 1 \(got -1\)$/],
      [['ping', '127.0.0.1', '-c', '-1'], /^rawcraft: ping: --count: must be >= 1 \(got -1\)$/],
      [['ping', '127.0.0.1', '--interval', '-0.5'], /^rawcraft: ping: --interval: must be >= 0 seconds \(got -0\.5\)$/],
      // Seconds, like ping(8): a value meant as milliseconds is refused, not a 16-minute wait.
      [['ping', '127.0.0.1', '-W', '1000'], /^rawcraft: ping: --timeout: must be <= 60 seconds \(got 1000\)$/],
      [['traceroute', '127.0.0.1', '--timeout', '1000'], /^rawcraft: traceroute: --timeout: must be <= 60 seconds \(got 1000\)$/],
      [['traceroute', '127.0.0.1', '-m', '-3'], /^rawcraft: traceroute: --max-hops: must be >= 1 \(got -3\)$/],
      [['fuzz', 'ipv4()/udp()', '--seed=-5'], /^rawcraft: fuzz: --seed: must be >= 0 \(got -5\)$/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      expectOneLineError(r, pattern);
      expect(r.stdout).toBe('');
    }
  });

  it('an unknown option: one line naming the command help', async () => {
    expectOneLineError(await cli(['ping', '127.0.0.1', '--bogus']), /^rawcraft: ping: Unknown option '--bogus'.*see rawcraft ping --help\)$/);
    // Without node's advice about '--' (a mistyped flag, not a positional), with the closest flag.
    expectOneLineError(await cli(['ping', '127.0.0.1', '--coutn', '2']), /^rawcraft: ping: Unknown option '--coutn' \(did you mean --count\?\) \(usage: rawcraft ping HOST/);
    expectOneLineError(await cli(['traceroute', '127.0.0.1', '-Z', '16']), /^rawcraft: traceroute: Unknown option '-Z' \(usage: /);
  });

  it('an unknown field in an expression: did you mean', async () => {
    expectOneLineError(await cli(['build', 'ipv4(tll=3)/udp()']), /ipv4 has no field 'tll' \(did you mean ttl\?\)/);
  });
});
