/** `createFoundation`: the canonical Foundation layout that `sessionhub init` writes. */
import { compareVersions, nextVersion } from '../version.js';
import { FoundationUpdateError } from './errors.js';
import type { CreateFoundationOptions } from './types.js';
import { requireVersion } from './update.js';

/**
 * Writes a new Foundation document in the canonical layout (see docs/foundation.md):
 *
 * ```md
 * # Acme
 *
 * **Current Version:** 0.1
 *
 * ## Metadata
 *
 * - Version: 0.1
 * - Next Session: 0.2
 *
 * ## Overview
 *
 * What Acme is for.
 *
 * ## Session Log
 *
 * ---
 *
 * Version v0.1 | Session 0.1 | Next 0.2
 * ```
 *
 * `## Overview` is written only with a `description`. `parseFoundation` reads the result back with no
 * warnings, and `applyFoundationUpdate` keeps it canonical.
 *
 * @throws {FoundationUpdateError} `foundation.bad_version` for a version that cannot be read,
 * `foundation.next_not_ahead` when `nextSession` is not after `version`, `foundation.bad_entry` for an empty title.
 */
export function createFoundation(options: CreateFoundationOptions): string {
  const title = (options.title ?? '').replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (title === '') throw new FoundationUpdateError('foundation.bad_entry', 'A Foundation document needs a title.');
  const version = requireVersion(options.version, 'The version');
  const next =
    options.nextSession === undefined
      ? nextVersion(version, 'minor')
      : requireVersion(options.nextSession, 'The next session');
  if (compareVersions(next, version) <= 0) {
    throw new FoundationUpdateError(
      'foundation.next_not_ahead',
      `The next session ${next.text} is not after ${version.text}.`,
    );
  }
  const lines = [
    `# ${title}`,
    '',
    `**Current Version:** ${version.text}`,
    '',
    '## Metadata',
    '',
    `- Version: ${version.text}`,
    `- Next Session: ${next.text}`,
    '',
  ];
  const description = options.description?.trim();
  if (description) lines.push('## Overview', '', ...description.split(/\r?\n/), '');
  lines.push(
    '## Session Log',
    '',
    '---',
    '',
    `Version v${version.text} | Session ${version.text} | Next ${next.text}`,
    '',
  );
  return lines.join(options.eol ?? '\n');
}
