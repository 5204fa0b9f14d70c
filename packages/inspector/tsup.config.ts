import { sessionhubBuild } from '../../tsup.base';

// `shims` gives the CJS build `import.meta.url`, which finds the page in dist/web.
export default sessionhubBuild({ index: 'src/index.ts' }, { shims: true });
