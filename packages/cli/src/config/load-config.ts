import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { badInput } from '../cli-error.js';
import { pathExists } from '../path-exists.js';
import { configSchema, type SessionHubConfig } from './schema.js';

/** The files a configuration is read from, in this order; the first that exists wins. */
export const CONFIG_FILES = ['config.json', 'config.mjs', 'config.js'] as const;

/** The directory SessionHub keeps its config, store and Foundation defaults in, inside a project. */
export const CONFIG_DIR = '.sessionhub';

/** A loaded configuration and the file it came from (none: every default). */
export interface LoadedConfig {
  config: SessionHubConfig;
  file?: string;
}

/** `policy.maxFixAttempts: expected number, received string` for each problem, one a line. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `  ${[...issue.path, key].map(String).join('.')}: unknown key (remove it)`);
      }
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(the whole file)';
      return [`  ${path}: ${issue.message}`];
    })
    .join('\n');
}

/** Checks a configuration object; a bad one is a `config.invalid` error naming every key path and what it expects. */
export function parseConfig(value: unknown, file: string): SessionHubConfig {
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  throw badInput(
    'config.invalid',
    `${file} is not a valid SessionHub configuration:\n${describeIssues(result.error.issues)}`,
    'fix the keys named above (docs/cli.md lists every key)',
  );
}

/** Reads `<project>/.sessionhub/config.{json,mjs,js}` (the first found) and validates it. */
export async function loadConfig(project: string): Promise<LoadedConfig> {
  for (const name of CONFIG_FILES) {
    const file = join(project, CONFIG_DIR, name);
    if (!(await pathExists(file))) continue;
    let value: unknown;
    if (name === 'config.json') {
      const text = await readFile(file, 'utf8');
      try {
        value = JSON.parse(text);
      } catch (cause) {
        throw badInput('config.unreadable', `${file} is not JSON: ${(cause as Error).message}`);
      }
    } else {
      try {
        value = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
      } catch (cause) {
        throw badInput('config.unreadable', `${file} could not be loaded: ${(cause as Error).message}`);
      }
    }
    return { config: parseConfig(value, file), file };
  }
  return { config: {} };
}
