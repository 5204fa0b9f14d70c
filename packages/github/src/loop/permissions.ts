import type { GitHost, RepositoryPermission } from '@sessionhub/core';

/** Looks up a user's permission on a repository through the host, remembering each answer for a short while. */
export type PermissionLookup = (repo: string, user: string, signal: AbortSignal) => Promise<RepositoryPermission>;

/**
 * `host.getPermission` with each answer kept for `ttlMs` per repository and user (and one request for lookups
 * that overlap), so a burst of commands from one user costs one API call. A failed lookup is not kept. A
 * permission taken away on GitHub is honoured here at most `ttlMs` later; `ttlMs: 0` asks every time.
 */
export function cachedPermissions(host: Pick<GitHost, 'getPermission'>, ttlMs: number): PermissionLookup {
  const known = new Map<string, { until: number; permission: Promise<RepositoryPermission> }>();
  return (repo, user, signal) => {
    if (ttlMs <= 0) return host.getPermission(repo, user, { signal });
    const key = `${repo}\n${user}`;
    const now = Date.now();
    const hit = known.get(key);
    if (hit && hit.until > now) return hit.permission;
    for (const [k, v] of known) if (v.until <= now) known.delete(k);
    const permission = host.getPermission(repo, user, { signal });
    known.set(key, { until: now + ttlMs, permission });
    permission.catch(() => {
      if (known.get(key)?.permission === permission) known.delete(key);
    });
    return permission;
  };
}
