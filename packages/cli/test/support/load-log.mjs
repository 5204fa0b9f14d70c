// Preloaded with --import: prints every workspace module the process loads, so a test can check that
// `--version` and `--help` load no adapter.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    if (result.url.includes('/packages/')) process.stderr.write(`LOADED ${result.url}\n`);
    return result;
  },
});
