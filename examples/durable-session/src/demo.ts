import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic } from '@sessionhub/testing';
import { GREETING_REQUEST, greetingConversation, writeGreetingProject } from './greeting-project.js';
import { openDurableHub } from './hub.js';

// One durable session from request to Foundation update, offline: the Anthropic actors talk to the
// loopback fake from @sessionhub/testing, which plays a scripted conversation.
const dir = await mkdtemp(join(tmpdir(), 'sessionhub-durable-demo-'));
const workspace = join(dir, 'project');
await writeGreetingProject(workspace);
const fake = await startFakeAnthropic({ apiKey: 'sk-demo', script: greetingConversation() });
const { hub, close } = await openDurableHub({
  apiKey: 'sk-demo',
  baseURL: fake.url,
  workspace,
  storePath: join(dir, 'sessions.db'),
});
try {
  hub.emitter.on('event', (e) => console.log(`${String(e.seq).padStart(3)} ${e.type}`));
  const handle = await hub.run({ request: GREETING_REQUEST });
  const { session, error } = await handle.result;
  fake.assertDone();
  console.log(`\nsession ${session.id}: ${session.state}${error ? ` (${error.code}: ${error.message})` : ''}`);
  console.log(`\n${await readFile(join(workspace, 'FOUNDATION.md'), 'utf8')}`);
  process.exitCode = session.state === 'succeeded' ? 0 : 1;
} finally {
  await close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
}
