import { describeSandboxConformance } from '@sessionhub/core/testing';
import { afterAll, describe } from 'vitest';
import { DockerSandboxProvider } from '../src/index.js';
import { dockerTestEnv, skipNote } from './docker-env.js';

const env = await dockerTestEnv();
// A pooled provider: the suite then also exercises the warm pool's workspace hand-over.
const provider = new DockerSandboxProvider({ pool: { size: 2 } });
afterAll(() => provider.close());

describe.skipIf(!env.ready)(`sandbox-docker${skipNote(env)}`, () => {
  describeSandboxConformance('docker', (workspace) => provider.create({ workspace }));
});
