// Refuses to go on with a Node older than 22 and says what to do: the tests need Node >= 22 (node:sqlite, vitest).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `SessionHub needs Node >= 22 (this is ${process.version}). Put Node 24 first on your PATH and reinstall:\n` +
      '  npm install -g --prefix "$PWD/.tools" node@24 && export PATH="$PWD/.tools/bin:$PATH" && npm ci',
  );
  process.exit(1);
}
