import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseInstruction } from '@sessionhub/format';
import { InstructionFormatError } from '../errors.js';
import type { ExecuteInput, ExecutorProgress } from '../ports/executor.js';
import type { Sandbox, SandboxCreateOptions, SandboxProvider } from '../ports/sandbox.js';

/**
 * The `ExecuteInput` an engine would hand an executor for an instruction text (parsed leniently).
 * Throws `InstructionFormatError` when the text is not an instruction.
 */
export function executeInputOf(text: string, opts: { sessionId?: string; attempt?: number } = {}): ExecuteInput {
  const parsed = parseInstruction(text, { mode: 'lenient' });
  if (!parsed.instruction) throw new InstructionFormatError('not a session instruction', parsed.diagnostics);
  return { sessionId: opts.sessionId ?? 'ses_test', attempt: opts.attempt ?? 0, instruction: parsed.instruction, text };
}

/** Records an executor's progress events; pass `emit` as `ExecuteOptions.emit`. */
export function recordProgress(onEvent?: (progress: ExecutorProgress) => void): {
  events: ExecutorProgress[];
  emit: (progress: ExecutorProgress) => void;
} {
  const events: ExecutorProgress[] = [];
  return {
    events,
    emit: (progress) => {
      events.push(progress);
      onEvent?.(progress);
    },
  };
}

/**
 * A sandbox from `provider` over a fresh temp workspace holding `files` (workspace-relative path →
 * content, written on the host before the sandbox starts). Its `dispose` also deletes the workspace.
 */
export async function createTempSandbox(
  provider: SandboxProvider,
  files: Record<string, string> = {},
  opts: { prefix?: string; create?: Omit<SandboxCreateOptions, 'workspace'> } = {},
): Promise<Sandbox> {
  const workspace = await realpath(await mkdtemp(join(tmpdir(), opts.prefix ?? 'sessionhub-test-')));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), content);
    }
    const sandbox = await provider.create({ ...opts.create, workspace });
    const dispose = sandbox.dispose.bind(sandbox);
    sandbox.dispose = async () => {
      try {
        await dispose();
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
    };
    return sandbox;
  } catch (error) {
    await rm(workspace, { recursive: true, force: true });
    throw error;
  }
}
