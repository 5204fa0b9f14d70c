import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** One verifier gate: a command run in the session's sandbox; exit code 0 passes. */
export const gateSchema = z.strictObject({
  name: z.string().min(1),
  command: z.string().min(1),
  timeoutMs: positiveInt.optional(),
});

/**
 * `.sessionhub/config.json` (or `config.js` / `config.mjs` exporting the same object as default). Every key
 * is optional; an unknown key is an error, so a typo never goes unnoticed. See docs/cli.md.
 */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  model: z
    .strictObject({
      /** Model id of the planner. Default `claude-sonnet-4-6`. */
      planner: z.string().min(1).optional(),
      /** Model id of the executor. Default `claude-sonnet-4-6`. */
      executor: z.string().min(1).optional(),
      /** API base URL (a proxy, or the fake of `@sessionhub/testing`). */
      baseURL: z.url().optional(),
      maxRetries: z.number().int().min(0).optional(),
    })
    .optional(),
  store: z
    .strictObject({
      /** SQLite file, relative to the project. Default `.sessionhub/sessionhub.db`. */
      path: z.string().min(1).optional(),
    })
    .optional(),
  sandbox: z
    .strictObject({
      /** `auto` (default): Docker when an engine answers, else bubblewrap, else refuse. */
      kind: z.enum(['auto', 'docker', 'bubblewrap', 'unisolated']).optional(),
      memoryMb: positiveInt.optional(),
      timeoutMs: positiveInt.optional(),
    })
    .optional(),
  /** The verifier's gates; default: detected from the project's `typecheck`, `lint`, `test` and `build` scripts. */
  gates: z.array(gateSchema).optional(),
  git: z
    .strictObject({
      /** `auto` (default): git workspaces when the project is a git repository. */
      enabled: z.union([z.boolean(), z.literal('auto')]).optional(),
      baseRef: z.string().min(1).optional(),
      keepFailed: z.boolean().optional(),
    })
    .optional(),
  policy: z
    .strictObject({
      maxFixAttempts: z.number().int().min(0).optional(),
      maxPlannerReasks: z.number().int().min(0).optional(),
      requireApproval: z.boolean().optional(),
      foundationPath: z.string().min(1).optional(),
      budgets: z
        .strictObject({
          tokens: positiveInt.optional(),
          costUsd: z.number().positive().optional(),
          wallTimeMs: positiveInt.optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The validated configuration. */
export type SessionHubConfig = z.infer<typeof configSchema>;
/** One configured gate. */
export type GateConfig = z.infer<typeof gateSchema>;
