import type { GitRunner } from './git-runner.js';

/** What a deploy or a rollback recorded, in the annotated tag that marks it. */
export interface ReleaseRecord {
  /** `deploy`: a session branch promoted; `rollback`: the target returned to an earlier release. */
  kind: 'deploy' | 'rollback';
  /** The tag, e.g. `sessionhub/v1.2` (deploy) or `sessionhub/rollback-3` (rollback). */
  tag: string;
  /** Order of records in this repository, from 1. */
  seq: number;
  /** The target branch. */
  target: string;
  /** What the target held right after this record was made. */
  sha: string;
  /** What the target held before. */
  previousSha: string;
  /** The Foundation version released (a rollback: the version returned to, when known). */
  version: string;
  /** Sessions whose commits were promoted (deploy). */
  sessionIds: string[];
  /** The session branch promoted (deploy). */
  branch?: string;
  /** A rollback: the release it undid, and the one whose tree it restored (or a commit). */
  rolledBack?: string;
  restored?: string;
  /** Why (a rollback: the failed check, or what the caller said). */
  reason?: string;
  /** ISO-8601 time the tag was made. */
  at: string;
}

const KEYS = {
  kind: 'SessionHub-Record',
  seq: 'SessionHub-Seq',
  target: 'SessionHub-Target',
  previousSha: 'SessionHub-Previous',
  version: 'SessionHub-Foundation-Version',
  session: 'SessionHub-Session',
  branch: 'SessionHub-Branch',
  rolledBack: 'SessionHub-Rolled-Back',
  restored: 'SessionHub-Restored',
  reason: 'SessionHub-Reason',
} as const;

const line = (v: string) => v.replace(/\s+/g, ' ').trim();

/** The annotated tag message of a record: a title, then one trailer per field. */
export function formatRecord(title: string, r: Omit<ReleaseRecord, 'tag' | 'sha' | 'at'>): string {
  const t: Array<[string, string]> = [
    [KEYS.kind, r.kind],
    [KEYS.seq, String(r.seq)],
    [KEYS.target, r.target],
    [KEYS.previousSha, r.previousSha],
    [KEYS.version, r.version],
    ...r.sessionIds.map((id): [string, string] => [KEYS.session, id]),
  ];
  if (r.branch !== undefined) t.push([KEYS.branch, r.branch]);
  if (r.rolledBack !== undefined) t.push([KEYS.rolledBack, r.rolledBack]);
  if (r.restored !== undefined) t.push([KEYS.restored, r.restored]);
  if (r.reason !== undefined) t.push([KEYS.reason, r.reason]);
  return `${line(title)}\n\n${t.map(([k, v]) => `${k}: ${line(v)}`).join('\n')}\n`;
}

/** Every record under `refs/tags/<prefix>/`, oldest first. */
export async function listRecords(
  git: GitRunner,
  gitDir: string,
  prefix: string,
  signal: AbortSignal,
): Promise<ReleaseRecord[]> {
  // for-each-ref spells bytes as %XX (no 'x', unlike log's %xXX).
  const format = '%(refname:lstrip=2)%1f%(*objectname)%1f%(creatordate:iso-strict)%1f%(contents)%1e';
  const out = await git.text(['for-each-ref', `--format=${format}`, `refs/tags/${prefix}/`], { gitDir, signal });
  const records: ReleaseRecord[] = [];
  for (const row of out.split('\x1e')) {
    const [tag = '', sha = '', at = '', contents = ''] = row.replace(/^\n/, '').split('\x1f');
    if (tag === '' || sha === '') continue;
    const fields = new Map<string, string[]>();
    for (const l of contents.split('\n')) {
      const m = /^(SessionHub-[A-Za-z-]+): (.*)$/.exec(l);
      if (m) fields.set(m[1] as string, [...(fields.get(m[1] as string) ?? []), m[2] as string]);
    }
    const one = (k: string) => fields.get(k)?.[0];
    const kind = one(KEYS.kind);
    if (kind !== 'deploy' && kind !== 'rollback') continue;
    records.push({
      kind,
      tag,
      seq: Number(one(KEYS.seq) ?? 0),
      target: one(KEYS.target) ?? '',
      sha,
      previousSha: one(KEYS.previousSha) ?? '',
      version: one(KEYS.version) ?? '',
      sessionIds: fields.get(KEYS.session) ?? [],
      branch: one(KEYS.branch),
      rolledBack: one(KEYS.rolledBack),
      restored: one(KEYS.restored),
      reason: one(KEYS.reason),
      at,
    });
  }
  return records.sort((a, b) => a.seq - b.seq);
}
