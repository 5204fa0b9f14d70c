import { createHash } from 'node:crypto';

/** A short, stable tag of a session id: the first 10 hex digits of its SHA-256. */
export function sessionTag(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex').slice(0, 10);
}

/** Lower-case words of `text` joined by `-`, at most `max` characters; `''` when nothing is left. */
export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '');
}

/** A version as a ref component: `2.22A` stays, anything outside `[A-Za-z0-9._]` becomes `-`. */
export function refSafeVersion(version: string): string {
  return version
    .replace(/[^A-Za-z0-9._]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.lock$/i, '-lock');
}

/**
 * The branch of a session: `<prefix>/<version>-<slug>-<tag>`, e.g. `sessionhub/1.2-add-pagination-3f9a0c12de`.
 * Only the tag is needed to find it again (`<prefix>/...-<tag>`), so a session planned after its branch
 * was made still finds it.
 */
export function sessionBranch(prefix: string, session: { id: string; version?: string; name?: string }): string {
  const parts = [refSafeVersion(session.version ?? ''), slugify(session.name ?? '')].filter((p) => p !== '');
  return `${prefix}/${[...(parts.length > 0 ? parts : ['session']), sessionTag(session.id)].join('-')}`;
}

/** The workspace directory name of a session: its id when that is a plain name, else `s-<tag>`. */
export function workspaceDirName(sessionId: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(sessionId) && !sessionId.endsWith('.lock')
    ? sessionId
    : `s-${sessionTag(sessionId)}`;
}

/** The release tag of a Foundation version: `<prefix>/v<version>`. */
export function releaseTag(prefix: string, version: string): string {
  return `${prefix}/v${refSafeVersion(version.replace(/^v/i, ''))}`;
}
