/**
 * The per-OS pages (docs/windows.md, linux.md, macos.md; issue 15) point at pre-flight rules by
 * their codes, and those pointers hold:
 * - every rule code a page names exists (PREFLIGHT_RULES, LINK_RULES: src/transport/preflight/),
 *   and so does every one README.md and the other pages of docs/ name;
 * - every rule that applies to the page's OS is named on it (a new rule needs its line);
 * - every `rawcraft preflight ...` command of the page's sh blocks whose comment says what it
 *   answers (`# error: CODE; warning: CODE; info: CODE`, `# no error`) answers that: the
 *   command is run with --json (pre-flight sends nothing) and the findings are compared.
 * The commands themselves also run, verbatim, in commands.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINK_RULES, PREFLIGHT_RULES } from '../../src/index.js';
import { ROOT } from '../transport/helpers.js';
import { CLI, ensureBuilt } from '../transport/built-cli.js';

const PAGES = { windows: 'docs/windows.md', linux: 'docs/linux.md', macos: 'docs/macos.md' } as const;
const RULES = [...PREFLIGHT_RULES.map((r) => ({ id: r.id, platforms: r.platforms as readonly string[] })), ...LINK_RULES.map((r) => ({ id: r.id, platforms: r.platforms as readonly string[] }))];
const KNOWN = new Set(RULES.map((r) => r.id));

/** Socket options, which look like rule codes. */
const SOCKET_OPTIONS = new Set(['IP_HDRINCL', 'IP_TTL', 'IP_TOS', 'IP_DONTFRAG', 'IP_DONTFRAGMENT', 'IP_RECVERR', 'IP_PMTUDISC_DO']);

/** Rule codes named in a page: upper-case words with an underscore, in backticks, with a rule's prefix. */
const codesIn = (text: string) => new Set([...text.matchAll(/`((?:WIN|LINUX|MACOS|LINK|IP|PLATFORM)_[A-Z0-9_]+)`/g)].map((m) => m[1]).filter((c) => !SOCKET_OPTIONS.has(c)));

interface Claim {
  readonly line: number;
  readonly args: string[];
  readonly expected: readonly { severity: string; code: string }[];
  readonly noError: boolean;
}

/** Words of a command line as sh splits them (single and double quotes; no expansions in these). */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** `rawcraft preflight ... # error: A; info: B` lines of the sh blocks of a page. */
function claimsIn(text: string): Claim[] {
  const claims: Claim[] = [];
  let inSh = false;
  text.split('\n').forEach((raw, i) => {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      inSh = !inSh && ['sh', 'bash'].includes(fence[1]);
      return;
    }
    const m = /^\s*rawcraft (preflight .*?)\s+#\s*(.*)$/.exec(raw);
    if (!inSh || !m) return;
    const expected = [...m[2].matchAll(/(error|warning|info): ([A-Z0-9_]+)/g)].map((x) => ({ severity: x[1], code: x[2] }));
    const noError = /^no error\b/.test(m[2]);
    if (expected.length > 0 || noError) claims.push({ line: i + 1, args: words(m[1]), expected, noError });
  });
  return claims;
}

describe('the per-OS pages point at pre-flight rules that exist (issue 15)', () => {
  it('every rule code README.md and docs/ name exists (socket options such as IP_HDRINCL aside)', () => {
    const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const unknown = files.flatMap((f) => [...codesIn(readFileSync(join(ROOT, f), 'utf8'))].filter((c) => !KNOWN.has(c)).map((c) => `${f}: ${c}`));
    expect(unknown).toEqual([]);
  });

  for (const [os, page] of Object.entries(PAGES)) {
    const text = readFileSync(join(ROOT, page), 'utf8');

    it(`${page}: every rule code it names exists, and every ${os} rule is named`, () => {
      const named = codesIn(text);
      expect([...named].filter((c) => !KNOWN.has(c)), 'codes that are no rule').toEqual([]);
      const applying = RULES.filter((r) => r.platforms.includes(os)).map((r) => r.id);
      expect(applying.length).toBeGreaterThan(3);
      expect(applying.filter((id) => !named.has(id)), `rules for ${os} the page does not name`).toEqual([]);
    });

    it(`${page}: each preflight command answers what its comment says`, async () => {
      const claims = claimsIn(text);
      expect(claims.length, 'commands with a stated answer').toBeGreaterThanOrEqual(3);
      await ensureBuilt();
      for (const claim of claims) {
        const r = spawnSync(process.execPath, [CLI, ...claim.args, '--json'], { encoding: 'utf8', timeout: 30_000 });
        expect([0, 1], `${page}:${claim.line}: exit ${r.status}\n${r.stderr}`).toContain(r.status);
        const findings = r.stdout.trim().split('\n').flatMap((l) => (JSON.parse(l) as { findings: { code: string; severity: string }[] }).findings);
        for (const e of claim.expected) {
          expect(findings.filter((f) => f.code === e.code).map((f) => f.severity), `${page}:${claim.line}: ${e.code}`).toContain(e.severity);
        }
        if (claim.noError) expect(findings.filter((f) => f.severity === 'error'), `${page}:${claim.line}: errors`).toEqual([]);
      }
    }, 60_000);
  }
});
