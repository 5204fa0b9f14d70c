import { sessionhubBuild } from '../../tsup.base';

export default [
  sessionhubBuild(),
  // The executable: ESM only, with its shebang kept.
  sessionhubBuild({ bin: 'src/bin.ts' }, { format: ['esm'], dts: false, clean: false }),
];
