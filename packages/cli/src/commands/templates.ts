import { randomUUID } from 'node:crypto';
import { badInput } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { table } from '../output/table.js';
import { type GlobalOptions, openProjectStore, projectContext, projectHub } from './context.js';
import { followSession } from './follow-session.js';

/** Flags of `sessionhub templates ...`. */
export interface TemplateFlags extends GlobalOptions {
  /** `save`: the template's name. */
  name?: string;
  /** `use`: `key=value`, repeated. */
  var?: string | string[];
  unisolated?: boolean;
}

const plain = (flags: GlobalOptions) =>
  createReporter(outputMode({ ...(flags.json ? { json: true } : {}) }, { isTTY: false } as NodeJS.WriteStream));

/** `key=value` pairs; numbers and booleans as such. */
function variables(pairs: string | string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const list = pairs === undefined ? [] : Array.isArray(pairs) ? pairs : [pairs];
  for (const pair of list.map(String)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badInput('cli.invalid_flags', `--var ${pair}: write it as name=value`);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] =
      raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

/** `templates list`, `templates show <name>`, `templates save <session id> --name <name>`. */
export async function templatesCommand(
  action: string,
  arg: string | undefined,
  flags: TemplateFlags,
): Promise<ExitCode> {
  if (action === 'use') return useTemplate(arg, flags);
  const ctx = await projectContext(flags);
  const store = await openProjectStore(ctx);
  try {
    const out = plain(flags);
    if (action === 'list') {
      const templates = await store.listTemplates();
      out.report(
        templates.length === 0
          ? 'no templates yet (save one: sessionhub templates save <session id> --name <name>)'
          : table(
              ['name', 'id', 'variables', 'updated'],
              templates.map((t) => [t.name, t.id, t.variables.map((v) => v.name).join(', '), t.updatedAt]),
            ),
        { templates },
      );
    } else if (action === 'show' && arg) {
      const template = await store.getTemplate(arg);
      if (!template)
        throw badInput(
          'cli.unknown_template',
          `template ${arg} not found`,
          'list them with: sessionhub templates list',
        );
      out.report(`${template.name} (${template.id})\n\n${template.text}`, { template });
    } else if (action === 'save' && arg) {
      if (!flags.name) throw badInput('cli.invalid_flags', 'templates save <session id> needs --name <name>');
      const session = await store.getSession(arg);
      if (!session)
        throw badInput('cli.unknown_session', `session ${arg} not found`, 'list them with: sessionhub sessions list');
      if (session.state !== 'succeeded' || !session.instruction) {
        throw badInput(
          'cli.invalid_state',
          `session ${arg} is ${session.state}: only a succeeded session can become a template`,
        );
      }
      const at = new Date().toISOString();
      const template = {
        id: randomUUID(),
        name: flags.name,
        text: session.instruction,
        variables: [],
        tags: session.tags,
        description: `from session ${session.id}`,
        createdAt: at,
        updatedAt: at,
      };
      await store.putTemplate(template);
      out.report(`saved template ${template.name} (${template.id}) from session ${session.id}`, { template });
    } else {
      throw badInput(
        'cli.usage',
        `templates ${action}: use list, show <name>, use <name> [--var k=v], save <session id> --name <name>`,
      );
    }
    out.close();
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `templates use <name> [--var k=v ...]`: runs a session from a stored template (checked before it starts). */
async function useTemplate(name: string | undefined, flags: TemplateFlags): Promise<ExitCode> {
  if (!name) throw badInput('cli.usage', 'templates use <name>');
  const ctx = await projectContext(flags);
  const app = await projectHub(ctx, flags.unisolated ? { allowUnisolated: true } : {});
  const reporter = createReporter(outputMode(flags));
  const handle = await app.hub.run({ template: name, variables: variables(flags.var) });
  reporter.notice(`session ${handle.id}`);
  return followSession(app, handle, { reporter });
}
