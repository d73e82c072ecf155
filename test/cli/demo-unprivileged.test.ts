/**
 * `npm start` for a newcomer without privileges: the demo still crafts, decodes and writes
 * demo.pcap, and says why it did not send the echo and how to allow it (no stack trace).
 * Runs the demo as uid 65534 through setpriv; needs root to switch users.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTransportForChild } from '../transport/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const root = process.getuid?.() === 0;
const haveSetpriv = spawnSync('setpriv', ['--version']).status === 0;

describe('demo without privileges', () => {
  it('writes demo.pcap and explains how to allow the echo', async (c) => {
    if (!root || !haveSetpriv) {
      if (process.env.CI === 'true') throw new Error('CI=true: this test needs root and setpriv');
      c.skip('needs root (to switch to an unprivileged user) and setpriv');
    }
    const dir = mkdtempSync(join(tmpdir(), 'rawcraft-demo-'));
    chmodSync(dir, 0o777);
    // The demo and the library, transpiled into a copy any user can read: the checkout itself
    // may sit in a 0700 directory.
    const child = await buildTransportForChild();
    const ts = (await import('typescript')).default;
    const demo = ts.transpileModule(readFileSync(join(ROOT, 'examples', 'demo.ts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    mkdirSync(join(child.dir, 'examples'), { recursive: true });
    writeFileSync(join(child.dir, 'examples', 'demo.js'), demo);
    chmodSync(join(child.dir, 'examples'), 0o755);
    chmodSync(join(child.dir, 'examples', 'demo.js'), 0o644);
    try {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(child.dir, 'examples', 'demo.js')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(r.stdout).toMatch(/not sending the ICMP echo to 127\.0\.0\.1/);
      expect(r.stdout).toMatch(/setcap cap_net_raw\+ep/);
      expect(existsSync(join(dir, 'demo.pcap'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      child.cleanup();
    }
  });
});
