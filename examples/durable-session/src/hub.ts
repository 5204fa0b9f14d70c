import { AnthropicExecutor, AnthropicPlanner } from '@sessionhub/anthropic';
import { CommandVerifier, createSessionHub, type SessionHub } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';

/** Where the hub keeps its state, which project it works on, and which Messages API it calls. */
export interface DurableHubOptions {
  /** The SQLite file holding sessions and their event logs (its directory is created). */
  storePath: string;
  /** The project directory the sessions work on; it holds `FOUNDATION.md` and the check the verifier runs. */
  workspace: string;
  /** The Anthropic API key; the hub redacts it from every stored event. */
  apiKey: string;
  /** The Messages API base URL: the real API when omitted, or a fake's `url` in tests. */
  baseURL?: string;
  /** The verifier's gate: a command run in the sandbox after each execution. Default `node check.mjs`. */
  checkCommand?: string;
  /**
   * How long this process's claim on a running session lasts without renewal (`policy.leaseMs`, default
   * 30 s): after a crash, another process can resume the session once the claim has run out.
   */
  leaseMs?: number;
}

/** A session hub whose sessions survive the process: close it when done. */
export interface DurableHub {
  hub: SessionHub;
  close(): Promise<void>;
}

/**
 * A hub on a SQLite store, bubblewrap sandboxes and the Anthropic planner and executor. Every step is
 * written to the store before it acts, so a session this process was running when it died resumes
 * from another process with `hub.resume(id)`, once the dead process's claim has run out (`leaseMs`).
 */
export async function openDurableHub(options: DurableHubOptions): Promise<DurableHub> {
  const store = await openSqliteStore({ path: options.storePath, createDirectory: true });
  // Isolation is required: without a working bubblewrap, `create` fails with `sandbox.unavailable`.
  const sandbox = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
  const model = { apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 1 };
  const hub = createSessionHub({
    planner: new AnthropicPlanner(model),
    executor: new AnthropicExecutor(model),
    verifier: new CommandVerifier({
      gates: [{ name: 'check', command: options.checkCommand ?? 'node check.mjs', timeoutMs: 30_000 }],
    }),
    store,
    sandbox,
    workspace: options.workspace,
    policy: { maxFixAttempts: 1, secrets: [options.apiKey], ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) },
  });
  return {
    hub,
    async close() {
      await sandbox.close();
      await store.close();
    },
  };
}
