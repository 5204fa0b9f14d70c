/**
 * Writes JSON Schema files for every zod schema the package exports (every export of the package index whose
 * name ends in `Schema`), one file per schema: `InstructionSchema` → `schemas/instruction.schema.json`.
 *
 *   npx tsx --conditions=@sessionhub/source packages/format/scripts/gen-json-schema.ts          # write
 *   npx tsx --conditions=@sessionhub/source packages/format/scripts/gen-json-schema.ts --check  # exit 1 if stale
 *
 * The test `test/schemas.test.ts` fails when the committed files differ from what this renders.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

/** Where the generated files live. */
export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** `SessionVersionSchema` → `session-version.schema.json`. */
export function schemaFileName(exportName: string): string {
  const base = exportName.replace(/Schema$/, '');
  return `${base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()}.schema.json`;
}

function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType || (typeof value === 'object' && value !== null && '_zod' in value);
}

/** Renders every `*Schema` export of `api` to file name → JSON text, sorted by file name. */
export function renderJsonSchemas(api: Record<string, unknown>): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of Object.keys(api).sort()) {
    const value = api[name];
    if (!name.endsWith('Schema') || !isZodSchema(value)) continue;
    const json = z.toJSONSchema(value, { unrepresentable: 'any' }) as Record<string, unknown>;
    const { $schema, ...rest } = json;
    const withId = {
      $schema,
      $id: `https://sessionhub.dev/schemas/${schemaFileName(name)}`,
      title: name.replace(/Schema$/, ''),
      ...rest,
    };
    files.set(schemaFileName(name), `${JSON.stringify(withId, null, 2)}\n`);
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** Differences between rendered files and the directory: stale, missing and left-over file names. */
export function compareWithDirectory(files: Map<string, string>, dir: string = SCHEMA_DIR): string[] {
  const problems: string[] = [];
  let present: string[] = [];
  try {
    present = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
  } catch {
    present = [];
  }
  for (const [name, text] of files) {
    if (!present.includes(name)) problems.push(`missing ${name}`);
    else if (readFileSync(join(dir, name), 'utf8') !== text) problems.push(`stale ${name}`);
  }
  for (const name of present) if (!files.has(name)) problems.push(`left over ${name}`);
  return problems;
}

async function main(): Promise<void> {
  const api = (await import('@sessionhub/format')) as Record<string, unknown>;
  const files = renderJsonSchemas(api);
  if (process.argv.includes('--check')) {
    const problems = compareWithDirectory(files);
    if (problems.length > 0) {
      console.error(
        `JSON Schema files are out of date:\n  ${problems.join('\n  ')}\nRun the generator without --check.`,
      );
      process.exit(1);
    }
    console.log(`${files.size} JSON Schema files are up to date.`);
    return;
  }
  for (const name of compareWithDirectory(files)
    .filter((p) => p.startsWith('left over '))
    .map((p) => p.slice('left over '.length))) {
    rmSync(join(SCHEMA_DIR, name));
  }
  for (const [name, text] of files) writeFileSync(join(SCHEMA_DIR, name), text);
  console.log(`Wrote ${files.size} JSON Schema files to ${SCHEMA_DIR}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
