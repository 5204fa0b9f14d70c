import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lintInstruction, nextVersion, parseFoundation } from '@sessionhub/format';
import { environmentProblem } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { type GlobalOptions, openProjectStore, projectContext } from './context.js';

async function foundationOf(
  project: string,
  path: string,
): Promise<{ path: string; text: string; version?: string } | undefined> {
  try {
    const text = await readFile(join(project, path), 'utf8');
    const version = parseFoundation(text).document?.version?.text;
    return { path, text, ...(version ? { version } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * `sessionhub plan <request...>`: asks the planner once (with the Foundation document and the library's
 * relevant sessions, as a run would) and prints the instruction and its lint diagnostics. Runs nothing, stores
 * nothing. Exit 0 when the instruction has no error diagnostic, 1 when it has.
 */
export async function planCommand(words: string[], flags: GlobalOptions): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const apiKey = process.env.ANTHROPIC_API_KEY;
  if (!apiKey) throw environmentProblem('cli.no_api_key', 'no Anthropic API key', 'set ANTHROPIC_API_KEY');
  const request = words.join(' ');
  const foundation = await foundationOf(ctx.project, ctx.config.policy?.foundationPath ?? 'FOUNDATION.md');
  const store = await openProjectStore(ctx);
  const library = await store.searchLibrary({ text: request, limit: 3 }).finally(() => store.close());
  const { AnthropicPlanner } = await import('@sessionhub/anthropic');
  const planner = new AnthropicPlanner({
    apiKey,
    ...(ctx.config.model?.baseURL ? { baseURL: ctx.config.model.baseURL } : {}),
    ...(ctx.config.model?.planner ? { model: ctx.config.model.planner } : {}),
  });
  const next = foundation?.version ? nextVersion(foundation.version, 'minor').text : undefined;
  const result = await planner.plan(
    {
      sessionId: 'plan-preview',
      kind: 'initial',
      request,
      library,
      ...(foundation ? { foundation } : {}),
      ...(next ? { nextVersion: next } : {}),
    },
    { signal: AbortSignal.timeout(300_000) },
  );
  const lint = lintInstruction(result.text);
  const out = createReporter(
    outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream),
  );
  const diagnostics = lint.diagnostics.map(
    (d) => `  ${d.line}:${d.column} ${d.severity} [${d.code}] ${d.message}${d.hint ? ` (${d.hint})` : ''}`,
  );
  out.report(
    `${result.text}\n\n${diagnostics.length === 0 ? 'lint: no findings' : `lint:\n${diagnostics.join('\n')}`}`,
    { text: result.text, diagnostics: lint.diagnostics, usage: result.usage },
  );
  out.close();
  return lint.ok ? EXIT.ok : EXIT.sessionFailed;
}
