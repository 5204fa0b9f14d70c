import { DEFAULT_ESCAPE_CONTRACT, describeEscapeSuite } from '@sessionhub/core/testing';
import { afterAll, describe } from 'vitest';
import { DockerSandboxProvider } from '../src/index.js';
import { dockerTestEnv, skipNote } from './docker-env.js';

const env = await dockerTestEnv();
// The contract has a disk cap (limits.diskMb), which a pooled container cannot have: every sandbox starts cold.
const provider = new DockerSandboxProvider({ defaults: DEFAULT_ESCAPE_CONTRACT.limits });
afterAll(() => provider.close());

describe.skipIf(!env.ready)(`sandbox-docker${skipNote(env)}`, () => {
  describeEscapeSuite('docker', (workspace, contract) =>
    provider.create({ workspace, limits: contract.limits, network: contract.network }),
  );
});
