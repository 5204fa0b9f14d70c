import { join } from 'node:path';

/** The directory layout version this build writes; a newer `meta.json` is refused. */
export const FS_SCHEMA_VERSION = 1;
/** The `format` value of `meta.json`. */
export const FS_FORMAT = 'sessionhub-store-fs';

const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * The file or directory name of an id: the id itself when it is short and plain
 * (letters, digits, `.`, `_`, `-`, not starting with `.`), otherwise `~` + base64url of its
 * UTF-8 bytes. `~` never starts a plain name, so the two forms cannot collide.
 */
export function encodeId(id: string): string {
  return SAFE_ID.test(id) ? id : `~${Buffer.from(id, 'utf8').toString('base64url')}`;
}

/** The id of a name made by {@link encodeId}. */
export function decodeId(name: string): string {
  return name.startsWith('~') ? Buffer.from(name.slice(1), 'base64url').toString('utf8') : name;
}

/** Every path of the documented layout (see README.md); the fixed ones are joined once, here. */
export class Layout {
  readonly meta: string;
  readonly sessions: string;
  readonly library: string;
  readonly libraryIndex: string;
  readonly libraryLock: string;
  readonly templates: string;
  readonly foundation: string;
  readonly foundationVersions: string;
  readonly foundationLock: string;
  /** The lock owner files, one per open store instance that has taken a lock. */
  readonly lockOwners: string;

  constructor(readonly root: string) {
    this.meta = join(root, 'meta.json');
    this.sessions = join(root, 'sessions');
    this.library = join(root, 'library');
    this.libraryIndex = join(this.library, 'index.jsonl');
    this.libraryLock = join(this.library, 'index.lock');
    this.templates = join(root, 'templates');
    this.foundation = join(root, 'foundation');
    this.foundationVersions = join(this.foundation, 'versions.jsonl');
    this.foundationLock = join(this.foundation, 'versions.lock');
    this.lockOwners = join(root, 'locks');
  }
  sessionDir(id: string): string {
    return join(this.sessions, encodeId(id));
  }
  sessionFile(id: string): string {
    return join(this.sessionDir(id), 'session.json');
  }
  eventsFile(id: string): string {
    return join(this.sessionDir(id), 'events.jsonl');
  }
  /** The per-session lock: a hard link to the holder's owner file, present while held. */
  sessionLock(id: string): string {
    return join(this.sessionDir(id), 'session.lock');
  }
  templateFile(id: string): string {
    return join(this.templates, `${encodeId(id)}.json`);
  }
}
