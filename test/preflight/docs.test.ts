/** docs/windows.md, docs/linux.md and docs/macos.md describe every rule of their platform. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WINDOWS_RULES } from '../../src/transport/preflight/windows.js';
import { LINUX_RULES } from '../../src/transport/preflight/linux.js';
import { DARWIN_RULES } from '../../src/transport/preflight/darwin.js';
import { LINK_RULES } from '../../src/transport/preflight/link.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

describe('platform docs', () => {
  it.each([
    ['windows.md', WINDOWS_RULES],
    ['linux.md', LINUX_RULES],
    ['macos.md', DARWIN_RULES],
  ] as const)('%s names every rule', (file, rules) => {
    const text = readFileSync(join(docs, file), 'utf8');
    for (const rule of rules) expect(text, rule.id).toContain(`\`${rule.id}\``);
  });

  it('link-layer.md names every link rule, and each platform page its own', () => {
    const text = readFileSync(join(docs, 'link-layer.md'), 'utf8');
    for (const rule of LINK_RULES) expect(text, rule.id).toContain(`\`${rule.id}\``);
    const page = { linux: 'linux.md', macos: 'macos.md', windows: 'windows.md' } as const;
    for (const rule of LINK_RULES.filter((r) => r.platforms.length === 1)) {
      const os = rule.platforms[0] as keyof typeof page;
      expect(readFileSync(join(docs, page[os]), 'utf8'), rule.id).toContain(`\`${rule.id}\``);
    }
  });
});
