import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { table } from '../output/table.js';
import { type GlobalOptions, openProjectStore, projectContext } from './context.js';

/** `sessionhub library search <query...>`: past sessions ranked by relevance (the store's full-text search). */
export async function librarySearch(
  words: string[],
  flags: GlobalOptions & { limit?: number | string },
): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  try {
    const limit = flags.limit === undefined ? 10 : Number(flags.limit);
    const hits = await store.searchLibrary({ text: words.join(' '), limit });
    const out = createReporter(
      outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
    );
    const rows = hits.map((h) => [
      h.score.toFixed(2),
      h.session.id,
      h.session.state,
      h.session.version ?? '',
      h.session.name ?? '',
    ]);
    out.report(hits.length === 0 ? 'no matching sessions' : table(['score', 'id', 'state', 'version', 'name'], rows), {
      hits: hits.map((h) => ({
        score: h.score,
        id: h.session.id,
        state: h.session.state,
        version: h.session.version,
        name: h.session.name,
      })),
    });
    out.close();
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
