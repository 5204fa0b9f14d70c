import type { ExecutorProgress, Sandbox } from '@sessionhub/core';

/** What a tool gets to work with. Everything goes through the sandbox, never the host. */
export interface ToolContext {
  sandbox: Sandbox;
  signal: AbortSignal;
  emit: (progress: ExecutorProgress) => void;
  /** Records a workspace path the tool created or changed. */
  changed: (path: string) => void;
  /** Longest output a command may capture per stream, in bytes. */
  maxCommandOutputBytes: number;
  /** Default timeout of `run_command` (and the bound of `search`). */
  commandTimeoutMs: number;
  /** Longest `run_command` timeout the model may ask for. */
  maxCommandTimeoutMs: number;
  /** Largest file `read_file` returns whole; larger files are read by line range inside the sandbox. */
  maxReadFileBytes: number;
}

/**
 * A tool's definition as a model sees it: a name, what it does and a JSON Schema of its input. The field
 * names are the Messages API's, so an Anthropic adapter passes it on as is; other adapters map it.
 */
export interface ToolDefinition {
  name: string;
  description: string;
  /** A JSON Schema object describing the tool's input. */
  input_schema: {
    type: 'object';
    properties?: Record<string, unknown>;
    required?: string[];
    [key: string]: unknown;
  };
}

/** A tool the model may call: its definition and its implementation. */
export interface ExecutorTool {
  definition: ToolDefinition;
  /** One line for progress events, e.g. `read_file src/index.ts`. */
  describe(input: Record<string, unknown>): string;
  /** Returns the text sent back to the model; throws {@link ToolInputError} (or any error) for an error result. */
  run(input: Record<string, unknown>, ctx: ToolContext): Promise<string>;
}

/** A tool was called with input it cannot use; the message goes back to the model. */
export class ToolInputError extends Error {}

/** A required string field of a tool's input. */
export function stringField(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string') throw new ToolInputError(`"${name}" must be a string`);
  return value;
}

/** An optional field of a given primitive type. */
export function optionalField<T extends 'string' | 'number' | 'boolean'>(
  input: Record<string, unknown>,
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new ToolInputError(`"${name}" must be a ${type}`);
  return value as never;
}
