/**
 * docs/protocols/*.md are generated from the layouts (npm run docs); this keeps the committed
 * pages equal to what the code says, so field tables cannot drift.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codecs } from '../../src/codec/registry.js';
import { protocolMarkdown } from '../../src/codec/field-table.js';

const DIR = join(import.meta.dirname, '..', '..', 'docs', 'protocols');

describe('docs/protocols', () => {
  for (const codec of codecs) {
    it(`${codec.name}.md matches the layout (run npm run docs after changing a protocol)`, () => {
      expect(readFileSync(join(DIR, `${codec.name}.md`), 'utf8')).toBe(protocolMarkdown(codec));
    });
  }
});
