/** Writes docs/protocols/<layer>.md from the codec registry (run by `npm run docs`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { codecs } from '../src/codec/registry.js';
import { protocolMarkdown } from '../src/codec/field-table.js';

mkdirSync('docs/protocols', { recursive: true });
for (const codec of codecs) writeFileSync(`docs/protocols/${codec.name}.md`, protocolMarkdown(codec));
writeFileSync(
  'docs/protocols/README.md',
  ['# Protocols', '', ...codecs.map((c) => `- [\`${c.name}\`](${c.name}.md): ${c.title} (${c.rfc})`), ''].join('\n'),
);
console.log(`wrote docs/protocols/ for ${codecs.length} layers`);
