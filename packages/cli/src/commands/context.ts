import { resolve } from 'node:path';
import type { Store } from '@sessionhub/core';
import { loadConfig } from '../config/load-config.js';
import type { SessionHubConfig } from '../config/schema.js';
import {
  createDefaultHub,
  DEFAULT_STORE_PATH,
  type DefaultHub,
  type DefaultHubOptions,
} from '../defaults/create-default-hub.js';

/** Options every command takes. */
export interface GlobalOptions {
  /** The project directory (`-C`). Default: the current directory. */
  cwd?: string;
  json?: boolean;
}

/** The project a command works on, with its configuration. */
export interface ProjectContext {
  project: string;
  config: SessionHubConfig;
  configFile?: string;
  storePath: string;
}

/** Finds the project and reads its configuration. */
export async function projectContext(opts: GlobalOptions): Promise<ProjectContext> {
  const project = resolve(opts.cwd ?? process.cwd());
  const { config, file } = await loadConfig(project);
  return {
    project,
    config,
    ...(file ? { configFile: file } : {}),
    storePath: resolve(project, config.store?.path ?? DEFAULT_STORE_PATH),
  };
}

/** Opens the project's store alone (for commands that run no session). */
export async function openProjectStore(ctx: ProjectContext): Promise<Store> {
  const { openSqliteStore } = await import('@sessionhub/store-sqlite');
  return openSqliteStore({ path: ctx.storePath, createDirectory: true });
}

/** Options of {@link projectHub} beyond the configuration. */
export type HubOverrides = Partial<Omit<DefaultHubOptions, 'workspace'>>;

/** The default hub for the project: configuration, then the command's flags. */
export function projectHub(ctx: ProjectContext, overrides: HubOverrides = {}): Promise<DefaultHub> {
  const { config } = ctx;
  const policy = config.policy ?? {};
  return createDefaultHub({
    workspace: ctx.project,
    storePath: ctx.storePath,
    ...(config.model?.baseURL ? { baseURL: config.model.baseURL } : {}),
    ...(config.model?.maxRetries !== undefined ? { maxRetries: config.model.maxRetries } : {}),
    models: {
      ...(config.model?.planner ? { planner: config.model.planner } : {}),
      ...(config.model?.executor ? { executor: config.model.executor } : {}),
    },
    ...(config.sandbox?.kind ? { sandbox: config.sandbox.kind } : {}),
    sandboxLimits: {
      ...(config.sandbox?.memoryMb ? { memoryMb: config.sandbox.memoryMb } : {}),
      ...(config.sandbox?.timeoutMs ? { timeoutMs: config.sandbox.timeoutMs } : {}),
    },
    ...(config.gates ? { gates: config.gates } : {}),
    ...(config.git?.enabled !== undefined ? { git: config.git.enabled } : {}),
    gitOptions: {
      ...(config.git?.baseRef ? { baseRef: config.git.baseRef } : {}),
      ...(config.git?.keepFailed ? { keepFailed: true } : {}),
    },
    policy,
    ...overrides,
  });
}
