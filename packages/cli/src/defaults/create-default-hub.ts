import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import {
  CommandVerifier,
  createSessionHub,
  isTerminal,
  type SessionHub,
  type SessionHubPolicy,
  type Store,
  type WorkspaceProvider,
  type WorkspaceResolver,
} from '@sessionhub/core';
import type { GitWorkspaces } from '@sessionhub/git';
import { environmentProblem } from '../cli-error.js';
import { CONFIG_DIR } from '../config/load-config.js';
import type { GateConfig } from '../config/schema.js';
import { type ChooseSandboxOptions, chooseSandbox, type SandboxChoice, type SandboxKind } from './choose-sandbox.js';
import { detectGates } from './detect-gates.js';
import { commitsOf, type GitRecord, preparedWorkspaces } from './git-record.js';

/** The store file, relative to the project, when none is given. */
export const DEFAULT_STORE_PATH = `${CONFIG_DIR}/sessionhub.db`;

/** Options of {@link createDefaultHub}. Only `workspace` is required. */
export interface DefaultHubOptions {
  /** The project: its `package.json` scripts give the gates; when it is a git repository, sessions get worktrees. */
  workspace: string;
  /** Anthropic API key. Default `ANTHROPIC_API_KEY`; without one, `cli.no_api_key` (an environment problem). */
  apiKey?: string;
  /** Model API base URL (a proxy, or a `@sessionhub/testing` fake). */
  baseURL?: string;
  /** Model ids of the two actors. Default `claude-sonnet-4-6` for both. */
  models?: { planner?: string; executor?: string };
  /** The SDK's retry budget. Default 2. */
  maxRetries?: number;
  /** The `fetch` the model client uses (e.g. `CassetteRecorder.fetch` to record a cassette). */
  fetch?: typeof fetch;
  /** A store to use instead of SQLite at `storePath`. */
  store?: Store;
  /** The SQLite file. Default `<workspace>/.sessionhub/sessionhub.db` (its directory is created). */
  storePath?: string;
  /** `auto` (default): Docker when an engine answers and the image is built, else bubblewrap, else refuse. */
  sandbox?: SandboxKind;
  /** With `sandbox: 'auto'`, run commands on the host when nothing isolates, instead of refusing. Default false. */
  allowUnisolated?: boolean;
  /** Sandbox limits and the default command timeout. */
  sandboxLimits?: Pick<ChooseSandboxOptions, 'memoryMb' | 'timeoutMs'>;
  /** The verifier's gates. Default: detected from the project's `typecheck`, `lint`, `test` and `build` scripts. */
  gates?: GateConfig[];
  /**
   * `auto` (default): git workspaces when `workspace` is a git repository (a worktree and branch per session; the
   * engine commits each passing attempt and the Foundation update); `true` requires one; `false` works in place.
   */
  git?: boolean | 'auto';
  /** Options of the git workspaces. */
  gitOptions?: { baseRef?: string; keepFailed?: boolean };
  /**
   * Called with a session's working copy each time the engine resolves it (so it must be idempotent), before
   * the sandbox sees it: e.g. to put dependencies a fresh git worktree lacks (sandboxes have no network).
   */
  prepareWorkspace?: (dir: string, opts: { signal: AbortSignal }) => Promise<void>;
  /** The engine's policy (budgets, approval, fix attempts, ...). */
  policy?: SessionHubPolicy;
  /** The engine's id in session claims. Default a random one. */
  engineId?: string;
  signal?: AbortSignal;
}

/** Everything {@link createDefaultHub} assembled. */
export interface DefaultHub {
  hub: SessionHub;
  store: Store;
  sandbox: SandboxChoice;
  gates: GateConfig[];
  /** The project directory. */
  workspace: string;
  /** The git workspaces, when the project is a git repository (and git was not turned off). */
  git?: GitWorkspaces;
  /**
   * What the session committed (the engine commits a passing attempt's work and the Foundation update through
   * the git workspaces, write-ahead) and its branch; `undefined` without git.
   */
  gitRecord(sessionId: string, opts: { signal: AbortSignal }): Promise<GitRecord | undefined>;
  /** Closes the sandbox provider, the store (when created here) and the git workspaces' warm pool. */
  close(): Promise<void>;
}

async function isGitRepository(dir: string): Promise<boolean> {
  try {
    await access(join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

/**
 * SessionHub with the defaults of the `sessionhub` command, in one call: the Anthropic planner and executor, the
 * best sandbox available, SQLite at `.sessionhub/sessionhub.db`, gates from the project's scripts, and a git
 * worktree per session when the project is a git repository.
 *
 * @example
 * ```ts
 * import { createDefaultHub } from 'sessionhub';
 * const app = await createDefaultHub({ workspace: '/path/to/repo' });
 * const handle = await app.hub.run({ request: 'Let users export their reports as CSV' });
 * const { session } = await handle.result;
 * console.log(session.state, await app.gitRecord(session.id, { signal: AbortSignal.timeout(10_000) }));
 * await app.close();
 * ```
 *
 * @throws {CliError} `cli.no_api_key` without a key, `cli.no_sandbox` when nothing isolates (and
 *   `allowUnisolated` is off); `GitError` for an unusable repository; `StoreError` for an unusable store.
 */
export async function createDefaultHub(options: DefaultHubOptions): Promise<DefaultHub> {
  const workspace = resolve(options.workspace);
  const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    throw environmentProblem(
      'cli.no_api_key',
      'no Anthropic API key',
      'set ANTHROPIC_API_KEY (or pass apiKey); `sessionhub run --replay <cassette>` needs none',
    );
  }
  const gates = options.gates ?? (await detectGates(workspace, { signal: options.signal }));
  const wantGit = options.git ?? 'auto';
  let git: GitWorkspaces | undefined;
  if (wantGit === true || (wantGit === 'auto' && (await isGitRepository(workspace)))) {
    const { createGitWorkspaces } = await import('@sessionhub/git');
    git = await createGitWorkspaces({
      repository: workspace,
      ...(options.gitOptions?.baseRef ? { baseRef: options.gitOptions.baseRef } : {}),
      ...(options.gitOptions?.keepFailed ? { keepFailed: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  const sandbox = await chooseSandbox({
    kind: options.sandbox ?? 'auto',
    allowUnisolated: options.allowUnisolated ?? false,
    ...options.sandboxLimits,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let store = options.store;
  let ownStore: { close(): void | Promise<void> } | undefined;
  if (!store) {
    const { openSqliteStore } = await import('@sessionhub/store-sqlite');
    const sqlite = await openSqliteStore({
      path: resolve(workspace, options.storePath ?? DEFAULT_STORE_PATH),
      createDirectory: true,
    });
    store = sqlite;
    ownStore = sqlite;
  }
  if (git) {
    // What crashed processes left: worktrees of sessions that are not live in the store, empty session branches.
    const liveStore = store;
    await git.prune({
      signal: options.signal ?? AbortSignal.timeout(60_000),
      isActive: async (id) => {
        const session = await liveStore.getSession(id);
        return session !== undefined && !isTerminal(session.state);
      },
    });
  }
  const [{ AnthropicExecutor, AnthropicPlanner }, { default: AnthropicClient }] = await Promise.all([
    import('@sessionhub/anthropic'),
    import('@anthropic-ai/sdk'),
  ]);
  const client: Anthropic = new AnthropicClient({
    apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 2,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const actors = {
    planner: new AnthropicPlanner({ client, ...(options.models?.planner ? { model: options.models.planner } : {}) }),
    executor: new AnthropicExecutor({
      client,
      ...(options.models?.executor ? { model: options.models.executor } : {}),
    }),
    verifier: new CommandVerifier({ gates: gates.map((g) => ({ ...g })) }),
  };
  const prepare = options.prepareWorkspace;
  const workspaceOption: WorkspaceResolver | WorkspaceProvider = git
    ? prepare
      ? preparedWorkspaces(git, prepare)
      : git
    : prepare
      ? async (_session, opts) => {
          await prepare(workspace, opts);
          return workspace;
        }
      : workspace;
  const hub = createSessionHub({
    ...actors,
    store,
    sandbox: sandbox.provider,
    workspace: workspaceOption,
    policy: { ...options.policy, secrets: [...(options.policy?.secrets ?? []), apiKey] },
    ...(options.engineId ? { engineId: options.engineId } : {}),
  });
  const usedStore = store;
  return {
    hub,
    store: usedStore,
    sandbox,
    gates,
    workspace,
    ...(git ? { git } : {}),
    async gitRecord(sessionId, opts) {
      if (!git) return undefined;
      const commits = commitsOf(await usedStore.readEvents(sessionId, opts));
      const branch = commits.length > 0 ? await git.findBranch(sessionId, opts) : undefined;
      return { ...(branch ? { branch } : {}), commits };
    },
    async close() {
      await hub.idle();
      await sandbox.provider.close?.();
      await git?.dispose({ signal: AbortSignal.timeout(30_000) });
      await ownStore?.close();
    },
  };
}
