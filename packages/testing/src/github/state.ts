import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A user's permission in a repository of the fake. */
export type FakePermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** A comment held by the fake. */
export interface FakeComment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
}

/** An issue (or the issue side of a pull request) held by the fake. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  author: string;
  labels: string[];
  state: 'open' | 'closed';
  comments: FakeComment[];
}

/** A pull request held by the fake. */
export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  /** The head commit when the pull request was opened. */
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
}

/** What a test seeds a fake repository with. */
export interface FakeRepoSeed {
  /** `owner/name`. */
  name: string;
  /** A local repository to clone (`git clone --bare`) as the fake's git remote. Default: an empty bare repository. */
  cloneFrom?: string;
  /** Login → permission; anyone else has `none` (the API answers 404 for a non-collaborator). */
  permissions?: Record<string, FakePermission>;
  issues?: { number?: number; title: string; body?: string; author?: string; labels?: string[] }[];
  defaultBranch?: string;
}

/** A repository of the fake: issues, pull requests, permissions, and a real bare git repository on disk. */
export class FakeRepo {
  readonly issues = new Map<number, FakeIssue>();
  readonly pulls = new Map<number, FakePull>();
  readonly permissions = new Map<string, FakePermission>();
  private nextNumber = 1;

  constructor(
    readonly fullName: string,
    /** The bare repository pushes go to (`file://` URL: {@link FakeRepo.gitUrl}). */
    readonly gitDir: string,
    readonly defaultBranch: string,
  ) {}

  /** The URL git pushes to. */
  get gitUrl(): string {
    return `file://${this.gitDir}`;
  }

  /** Takes the next issue or pull request number (they share one sequence, as on GitHub). */
  takeNumber(wanted?: number): number {
    const n = wanted ?? this.nextNumber;
    this.nextNumber = Math.max(this.nextNumber, n + 1);
    return n;
  }

  /** The commit a branch of the bare repository points at, or `undefined`. */
  async branchSha(branch: string): Promise<string | undefined> {
    try {
      const { stdout } = await git(this.gitDir, [
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `refs/heads/${branch}^{commit}`,
      ]);
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether the bare repository has the commit. */
  async hasCommit(sha: string): Promise<boolean> {
    try {
      await git(this.gitDir, ['cat-file', '-e', '--end-of-options', `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  /** Creates a ref in the bare repository; false when it exists already. */
  async createRef(ref: string, sha: string): Promise<boolean> {
    try {
      await git(this.gitDir, ['update-ref', '--end-of-options', ref, sha, '0'.repeat(40)]);
      return true;
    } catch {
      return false;
    }
  }

  /** Commit subjects of a branch, newest first (for tests). */
  async log(branch: string): Promise<string[]> {
    const { stdout } = await git(this.gitDir, ['log', '--format=%s', '--end-of-options', `refs/heads/${branch}`]);
    return stdout.split('\n').filter(Boolean);
  }
}

function git(gitDir: string, args: string[]): Promise<{ stdout: string }> {
  return exec('git', ['-c', 'core.hooksPath=/dev/null', ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_DIR: gitDir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });
}

/** Creates a seeded repository with its bare git repository under `root`. */
export async function createFakeRepo(root: string, seed: FakeRepoSeed): Promise<FakeRepo> {
  const gitDir = join(root, `${seed.name.replace('/', '__')}.git`);
  await mkdir(root, { recursive: true });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  if (seed.cloneFrom) await exec('git', ['clone', '--bare', '--quiet', '--', seed.cloneFrom, gitDir], { env });
  else
    await exec('git', ['init', '--bare', '--quiet', `--initial-branch=${seed.defaultBranch ?? 'main'}`, gitDir], {
      env,
    });
  const repo = new FakeRepo(seed.name, gitDir, seed.defaultBranch ?? 'main');
  for (const [user, permission] of Object.entries(seed.permissions ?? {}))
    repo.permissions.set(user.toLowerCase(), permission);
  for (const issue of seed.issues ?? []) {
    const number = repo.takeNumber(issue.number);
    repo.issues.set(number, {
      number,
      title: issue.title,
      body: issue.body ?? '',
      author: issue.author ?? 'octocat',
      labels: [...(issue.labels ?? [])],
      state: 'open',
      comments: [],
    });
  }
  return repo;
}
