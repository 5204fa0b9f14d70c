import { hostname } from 'node:os';

/** Label names, under a prefix, that mark containers this package owns. */
export interface LabelNames {
  managed: string;
  ownerPid: string;
  ownerHost: string;
  provider: string;
  state: string;
  userPrefix: string;
}

/** Builds the label names for a prefix such as `io.sessionhub`. */
export function labelNames(prefix: string): LabelNames {
  return {
    managed: `${prefix}.managed-by`,
    ownerPid: `${prefix}.owner-pid`,
    ownerHost: `${prefix}.owner-host`,
    provider: `${prefix}.provider-id`,
    state: `${prefix}.state`,
    userPrefix: `${prefix}.label.`,
  };
}

/** The value of the `managed-by` label. */
export const MANAGED_BY = 'sessionhub-sandbox-docker';

/** Ownership labels for a container created by this process. */
export function ownershipLabels(
  names: LabelNames,
  providerId: string,
  state: 'pooled' | 'session',
): Record<string, string> {
  return {
    [names.managed]: MANAGED_BY,
    [names.ownerPid]: String(process.pid),
    [names.ownerHost]: hostname(),
    [names.provider]: providerId,
    [names.state]: state,
  };
}
