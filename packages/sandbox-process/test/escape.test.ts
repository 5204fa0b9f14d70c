import { describeEscapeSuite } from '@sessionhub/core/testing';
import { afterAll, describe } from 'vitest';
import { ProcessSandboxProvider } from '../src/index.js';
import { bwrapTestEnv } from './bwrap-env.js';

const env = bwrapTestEnv();
const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
afterAll(() => provider.close());

describe.skipIf(!env.ready)(`sandbox-process escape suite${env.note}`, () => {
  describeEscapeSuite('process (bubblewrap)', (workspace, contract) =>
    provider.create({ workspace, limits: contract.limits, network: contract.network }),
  );
});
