import { sessionhubBuild } from '../../tsup.base';

export default sessionhubBuild({ index: 'src/index.ts' });
