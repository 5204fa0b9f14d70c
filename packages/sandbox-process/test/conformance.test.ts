import { describeSandboxConformance } from '@sessionhub/core/testing';
import { afterAll, describe } from 'vitest';
import { ProcessSandboxProvider } from '../src/index.js';
import { bwrapTestEnv } from './bwrap-env.js';

const env = bwrapTestEnv();
// isolation 'bubblewrap': never silently falls back to an unisolated sandbox.
const isolated = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
const unisolated = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
afterAll(async () => {
  await isolated.close();
  await unisolated.close();
});

describe.skipIf(!env.ready)(`sandbox-process, bubblewrap${env.note}`, () => {
  describeSandboxConformance('process (bubblewrap)', (workspace) => isolated.create({ workspace }));
});

describe('sandbox-process, unisolated', () => {
  describeSandboxConformance('process (none)', (workspace) => unisolated.create({ workspace }));
});
