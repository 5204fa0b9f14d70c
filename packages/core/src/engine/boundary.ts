import {
  type Diagnostic,
  type Instruction,
  type LintOptions,
  lintInstruction,
  parseInstruction,
} from '@sessionhub/format';
import { BoundaryViolationError, InstructionFormatError } from '../errors.js';

/** The outcome of checking an instruction text against the format and the actor boundary. */
export type InstructionCheck =
  | { ok: true; instruction: Instruction; diagnostics: Diagnostic[] }
  | { ok: false; parsed: boolean; diagnostics: Diagnostic[] };

const parseCache = new Map<string, Instruction>();

/** Parses (leniently) and lints an instruction text. Only error diagnostics make it fail. */
export function checkInstruction(text: string, rules: LintOptions['rules'] | undefined): InstructionCheck {
  const parsed = parseInstruction(text, { mode: 'lenient' });
  if (!parsed.instruction) {
    return { ok: false, parsed: false, diagnostics: parsed.diagnostics.filter((d) => d.severity === 'error') };
  }
  // The lint reads this parse instead of parsing the text again.
  const lint = lintInstruction(text, rules ? { rules, parsed } : { parsed });
  if (!lint.ok) return { ok: false, parsed: true, diagnostics: lint.diagnostics.filter((d) => d.severity === 'error') };
  return { ok: true, instruction: remember(text, parsed.instruction), diagnostics: lint.diagnostics };
}

/** The typed error for an instruction that failed its check. */
export function checkError(check: Extract<InstructionCheck, { ok: false }>): Error {
  if (!check.parsed) {
    return new InstructionFormatError('instruction text could not be read as an instruction', check.diagnostics);
  }
  return new BoundaryViolationError(check.diagnostics[0]?.code ?? 'unknown', check.diagnostics);
}

/**
 * The deep-frozen parse of an instruction text accepted earlier in the session (also a replayed
 * plan), from a small cache: what the executor and verifier receive, so nothing they do can change it.
 */
export function parseAccepted(text: string): Instruction {
  const hit = parseCache.get(text);
  if (hit) return hit;
  const parsed = parseInstruction(text, { mode: 'lenient' });
  if (!parsed.instruction) throw new InstructionFormatError('stored instruction no longer parses', parsed.diagnostics);
  return remember(text, parsed.instruction);
}

/** Caches a freshly parsed instruction, deep-frozen: every holder shares it and none can change it. */
function remember(text: string, instruction: Instruction): Instruction {
  if (parseCache.size >= 256) parseCache.clear();
  const frozen = deepFreeze(instruction);
  parseCache.set(text, frozen);
  return frozen;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
