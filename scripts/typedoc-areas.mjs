// A typedoc plugin (typedoc.json): puts every export of the API reference in the category of the
// area its source file belongs to (builders, codec, capture, transport, pre-flight, traffic), so
// the reference is grouped by area without a tag on each symbol. An explicit @category wins.
import { Comment, CommentTag, Converter } from 'typedoc';

/** Folder prefix → area, most specific first. */
const AREAS = [
  ['src/transport/preflight/', 'Pre-flight'],
  ['src/transport/', 'Transport'],
  ['src/builders/', 'Builders'],
  ['src/codec/', 'Codec'],
  ['src/capture/', 'Capture'],
  ['src/traffic/', 'Traffic'],
  ['src/expr/', 'Traffic'],
  ['src/fuzz/', 'Traffic'],
];

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      for (const reflection of context.project.children ?? []) {
        const file = reflection.sources?.[0]?.fileName ?? '';
        const area = AREAS.find(([prefix]) => file.startsWith(prefix))?.[1];
        if (!area) continue;
        const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)];
        if (comments.some((c) => c?.blockTags.some((t) => t.tag === '@category'))) continue;
        reflection.comment ??= new Comment();
        reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: area }]));
      }
    },
    100, // before typedoc's own CategoryPlugin (-200) sorts reflections into categories
  );
}
