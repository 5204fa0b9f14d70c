import { sessionhubBuild } from '../../tsup.base';

export default sessionhubBuild({
  index: 'src/index.ts',
  testing: 'src/testing.ts',
  'testing/doubles': 'src/testing-doubles.ts',
  'sandbox-runner': 'src/sandbox-runner/index.ts',
});
