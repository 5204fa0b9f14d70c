import { expect } from 'vitest';
import type { NewSessionEvent, SessionEvent } from '../../model/events.js';
import type { Session } from '../../model/session.js';
import type { FoundationVersion, Template } from '../../model/template.js';
import type { Store } from '../../ports/store.js';
import { STORE_ERROR_CODES } from '../conformance/store-error-codes.js';

/** The versions a key went through: the last acknowledged one and later attempts that failed. */
interface Versions<T> {
  acked?: T;
  /** Attempts after `acked` that were refused: each may be visible whole, never in part. */
  failed: T[];
}

/** A batch that was refused: its messages, which must be absent or all present in order. */
type FailedBatch = string[];

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const messageOf = (e: SessionEvent | NewSessionEvent) => (e.type === 'executor.progress' ? e.message : e.type);

/**
 * Writes through a store while faults happen, remembering what each write was answered: what was
 * acknowledged must stay readable; what was refused must be invisible or visible whole (a write
 * that failed after its last step, e.g. in a directory fsync, may still have landed). Every
 * refusal must be a `StoreError` with a standard code. {@link expectLedgerSound} checks a store
 * against it.
 */
export class FaultLedger {
  /** Every refusal, with what was being written. */
  readonly failures: Array<{ what: string; error: unknown }> = [];
  readonly #sessions = new Map<string, Versions<Session>>();
  readonly #events = new Map<string, { acked: SessionEvent[]; failed: FailedBatch[] }>();
  readonly #templates = new Map<string, Versions<Template>>();
  readonly #versions: { acked: FoundationVersion[]; failed: FoundationVersion[] } = { acked: [], failed: [] };

  /** Ids of sessions whose creation was acknowledged. */
  get sessionIds(): string[] {
    return [...this.#sessions].filter(([, v]) => v.acked).map(([id]) => id);
  }

  /** How many writes were acknowledged and refused so far. */
  counts(): { acked: number; refused: number } {
    let acked = this.#versions.acked.length;
    for (const v of this.#sessions.values()) acked += v.acked ? 1 : 0;
    for (const v of this.#templates.values()) acked += v.acked ? 1 : 0;
    for (const v of this.#events.values()) acked += v.acked.length;
    return { acked, refused: this.failures.length };
  }

  async #attempt<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      this.failures.push({ what, error });
      return undefined;
    }
  }

  async createSession(store: Store, session: Session): Promise<boolean> {
    const versions = this.#sessions.get(session.id) ?? { failed: [] };
    this.#sessions.set(session.id, versions);
    const ok = await this.#attempt(`createSession ${session.id}`, async () => {
      await store.createSession(session);
      return true;
    });
    if (ok) {
      versions.acked = structuredClone(session);
      versions.failed = [];
    } else versions.failed.push(structuredClone(session));
    return ok === true;
  }

  async updateSession(store: Store, id: string, patch: Partial<Omit<Session, 'id'>>): Promise<boolean> {
    const versions = this.#sessions.get(id);
    if (!versions?.acked) throw new Error(`FaultLedger: update of ${id}, whose creation was not acknowledged`);
    const updated = await this.#attempt(`updateSession ${id}`, () => store.updateSession(id, patch));
    if (updated) {
      versions.acked = updated;
      versions.failed = [];
    } else versions.failed.push(JSON.parse(JSON.stringify({ ...versions.acked, ...patch, id })) as Session);
    return updated !== undefined;
  }

  async appendEvents(store: Store, sessionId: string, events: NewSessionEvent[]): Promise<boolean> {
    const log = this.#events.get(sessionId) ?? { acked: [], failed: [] };
    this.#events.set(sessionId, log);
    const stored = await this.#attempt(`appendEvents ${sessionId} (${events.length})`, () =>
      store.appendEvents(sessionId, events),
    );
    if (stored) log.acked.push(...stored);
    else log.failed.push(events.map(messageOf));
    return stored !== undefined;
  }

  async putTemplate(store: Store, template: Template): Promise<boolean> {
    const versions = this.#templates.get(template.id) ?? { failed: [] };
    this.#templates.set(template.id, versions);
    const ok = await this.#attempt(`putTemplate ${template.id}`, async () => {
      await store.putTemplate(template);
      return true;
    });
    if (ok) {
      versions.acked = structuredClone(template);
      versions.failed = [];
    } else versions.failed.push(structuredClone(template));
    return ok === true;
  }

  async addFoundationVersion(store: Store, version: FoundationVersion): Promise<boolean> {
    const ok = await this.#attempt(`addFoundationVersion ${version.version}`, async () => {
      await store.addFoundationVersion(version);
      return true;
    });
    (ok ? this.#versions.acked : this.#versions.failed).push(structuredClone(version));
    return ok === true;
  }

  /** @internal What {@link expectLedgerSound} checks against. */
  entries() {
    return { sessions: this.#sessions, events: this.#events, templates: this.#templates, versions: this.#versions };
  }
}

/** Whether `log` holds `batch` as one contiguous run (in order). */
function holdsRun(messages: string[], batch: FailedBatch): boolean {
  const start = messages.indexOf(batch[0] as string);
  return start >= 0 && batch.every((m, i) => messages[start + i] === m);
}

/**
 * Asserts (with vitest) what every durable store owes after a fault: each refusal was a
 * `StoreError` with a standard code; every acknowledged write reads back unchanged; a refused
 * write is invisible or visible whole, never in part; each session's seqs are 1..n, unique and
 * gap-free. `when` names the moment in failure messages (e.g. "after the disk filled, reopened").
 */
export async function expectLedgerSound(store: Store, ledger: FaultLedger, when: string): Promise<void> {
  for (const { what, error } of ledger.failures) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    expect(
      e?.name === 'StoreError' && typeof e.code === 'string' && e.code in STORE_ERROR_CODES,
      `${when}: ${what} failed with ${String(e?.name)} ${String(e?.code)} (${String(e?.message)}); a store must fail with a StoreError of a standard code`,
    ).toBe(true);
  }
  const { sessions, events, templates, versions } = ledger.entries();
  for (const [id, v] of sessions) {
    const stored = await store.getSession(id);
    const allowed = [...(v.acked ? [v.acked] : [undefined]), ...v.failed];
    expect(
      allowed.some((candidate) => canonical(candidate) === canonical(stored)),
      `${when}: session ${id} reads ${JSON.stringify(stored)?.slice(0, 200)}; it must be the acknowledged version, or a refused one whole`,
    ).toBe(true);
  }
  for (const [id, log] of events) {
    const stored = await store.readEvents(id);
    expect(
      stored.map((e) => e.seq),
      `${when}: session ${id}: seqs must be 1..n, unique and gap-free`,
    ).toEqual(stored.map((_, i) => i + 1));
    for (const event of log.acked) {
      expect(
        stored[event.seq - 1],
        `${when}: session ${id}: acknowledged event seq ${event.seq} must read back unchanged`,
      ).toEqual(event);
    }
    const messages = stored.map(messageOf);
    for (const batch of log.failed) {
      const present = batch.filter((m) => messages.includes(m)).length;
      expect(
        present === 0 || (present === batch.length && holdsRun(messages, batch)),
        `${when}: session ${id}: a refused batch of ${batch.length} must be absent or present whole; ${present} of its events are there`,
      ).toBe(true);
    }
  }
  for (const [id, v] of templates) {
    const stored = await store.getTemplate(id);
    const allowed = [...(v.acked ? [v.acked] : [undefined]), ...v.failed];
    expect(
      allowed.some((candidate) => canonical(candidate) === canonical(stored)),
      `${when}: template ${id} must be the acknowledged version, or a refused one whole`,
    ).toBe(true);
  }
  const listed = (await store.listFoundationVersions()).map(canonical) as string[];
  for (const version of versions.acked) {
    expect(listed, `${when}: acknowledged Foundation version ${version.version} must be listed`).toContain(
      canonical(version),
    );
  }
  const known = new Set([...versions.acked, ...versions.failed].map(canonical));
  for (const item of listed) {
    expect(known.has(item), `${when}: a Foundation version nobody wrote whole is listed: ${item.slice(0, 200)}`).toBe(
      true,
    );
  }
}
