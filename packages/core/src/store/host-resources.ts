import type { ResourcePhase } from '../model/analytics.js';
import type { SessionEvent } from '../model/events.js';
import { emptyHostResources, type HostResources } from '../model/report.js';

const FIELDS = ['commands', 'cpuMs', 'peakMemoryBytes', 'bytesWritten'] as const;

/**
 * The host resources a stored value holds, as analytics reads them: any object counts, and each field that is
 * not a finite number ≥ 0 counts as 0; anything else (absent, `null`, a string) is no measurement.
 */
export function hostResourcesOf(value: unknown): HostResources | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out = emptyHostResources();
  for (const field of FIELDS) {
    const n = (value as Record<string, unknown>)[field];
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) out[field] = n;
  }
  return out;
}

/**
 * The host resources one event records: a finished `execute` step's report (`output.resources`) under
 * `execution`, a gate result's (`result.resources`) under `verification`; undefined for any other event.
 */
export function hostResourcesOfEvent(
  event: SessionEvent,
): { phase: ResourcePhase; resources: HostResources } | undefined {
  let value: unknown;
  let phase: ResourcePhase;
  if (event.type === 'step.finished' && event.step === 'execute') {
    value = (event.output as { resources?: unknown } | null | undefined)?.resources;
    phase = 'execution';
  } else if (event.type === 'verifier.gate') {
    value = (event.result as { resources?: unknown } | undefined)?.resources;
    phase = 'verification';
  } else {
    return undefined;
  }
  const resources = hostResourcesOf(value);
  return resources ? { phase, resources } : undefined;
}
