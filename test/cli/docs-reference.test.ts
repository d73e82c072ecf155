/**
 * docs/cli.md is the full reference (issue 14): every command `rawcraft help` lists has a
 * section, and every flag its `--help` shows is documented in that section. Nothing is sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../expr/run-cli.js';

const DOC = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');

/** The text of `### NAME` up to the next heading. */
function section(name: string): string | undefined {
  const start = DOC.indexOf(`\n### ${name}\n`);
  if (start < 0) return undefined;
  const end = DOC.indexOf('\n#', start + 5);
  return DOC.slice(start, end < 0 ? undefined : end);
}

describe('docs/cli.md', () => {
  it('documents every command and every flag its --help shows', async () => {
    const help = await cli(['help']);
    const names = help.stdout.split('\ncommands:\n')[1].split('\n\n')[0].split('\n').filter((l) => /^ {2}[a-z]/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(names.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const name of names) {
      const text = section(name);
      if (!text) {
        missing.push(`no section ### ${name}`);
        continue;
      }
      const usage = (await cli([name, '--help'])).stdout;
      const flags = new Set(usage.match(/(?<![\w-])--?[a-zA-Z0-9][\w-]*/g) ?? []);
      for (const flag of flags) if (!new RegExp(`\`[^\`]*${flag}(?![\\w-])`).test(text)) missing.push(`${name} ${flag}`);
    }
    expect(missing).toEqual([]);
  });
});
