import { relative } from 'node:path';

/**
 * How the user calls this CLI again: `sessionhub` when installed, or the `node ... src/bin.ts` line when it runs
 * from the sources of a clone (as `npm run demo` does), so every hint it prints can be pasted as it is.
 */
export function howToCall(argv: readonly string[] = process.argv): string {
  const script = argv[1] ?? '';
  if (!script.endsWith('.ts')) return 'sessionhub';
  const path = relative(process.cwd(), script) || script;
  return `node --conditions=@sessionhub/source --import tsx ${path.startsWith('..') ? script : path}`;
}
