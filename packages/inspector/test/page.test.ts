import { join } from 'node:path';
import type { SessionHub } from '@sessionhub/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningInspector, startInspector } from '../src/index.js';
import { ARTIFACTS, browserMissing, buildPage, launch } from './support/browser.js';
import { HOSTILE, type Seeded, seedStore } from './support/fixture.js';

const missing = browserMissing();

describe.skipIf(missing !== undefined)(`inspector page in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let seeded: Seeded;
  let hub: SessionHub;
  let waitingId: string;
  let inspector: RunningInspector;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    buildPage();
    seeded = await seedStore();
    hub = seeded.hub();
    waitingId = (await hub.run({ request: 'Wave at visitors', tags: ['waiting'] })).id;
    while ((await seeded.store.getSession(waitingId))?.state !== 'awaiting_approval') {
      await new Promise((r) => setTimeout(r, 20));
    }
    inspector = await startInspector({
      store: seeded.store,
      hub,
      port: 0,
      deploys: {
        history: async () => [
          {
            kind: 'deploy',
            tag: 'sessionhub/v1.1',
            seq: 1,
            target: 'main',
            sha: 'c0ffee'.repeat(6).slice(0, 40),
            previousSha: '0'.repeat(40),
            version: '1.1',
            sessionIds: [seeded.fullId],
            at: '2026-03-01T10:00:00.000Z',
          },
        ],
      },
      // Commits and pull requests come from the embedder (git trailers, the git host).
      links: async (session) =>
        session.id === seeded.fullId
          ? [{ kind: 'commit', label: 'commit c0ffee1', url: 'https://git.example.invalid/commit/c0ffee1' }]
          : session.id === seeded.hostileId
            ? [{ kind: 'pull_request', label: 'PR #8 <b>x</b>', url: HOSTILE.issueUrl }]
            : [],
    });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    // A session still waiting (when a test failed or was filtered out) would keep its engine busy forever.
    if (waitingId && (await seeded.store.getSession(waitingId))?.state === 'awaiting_approval')
      await hub.cancel(waitingId);
    await browser?.close();
    await inspector?.close();
    await seeded?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const open = async (hash: string) => {
    // Page-side code as a string: the tests compile without the DOM library.
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  };

  it('lists the sessions with state, tags, duration and cost, newest first', async () => {
    await page.goto(inspector.url);
    const rows = page.locator('[data-testid=sessions] tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    // The token left the address bar for session storage.
    expect(page.url()).not.toContain('token=');
    const full = page.locator(`tr[data-id="${seeded.fullId}"]`);
    await expect.poll(() => full.textContent()).toMatch(/succeeded[\s\S]*greeting[\s\S]*demo[\s\S]*\$0\.1/);
    expect(await page.locator(`tr[data-id="${waitingId}"]`).textContent()).toContain('awaiting_approval');
    await page.selectOption('select[name=state]', 'failed');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('failed');
    await page.selectOption('select[name=state]', '');
    await expect.poll(() => rows.count()).toBe(4);
    await shot('sessions-list');
  });

  it('shows every phase of a session as a two-actor timeline, with the Foundation diff', async () => {
    await page.click(`tr[data-id="${seeded.fullId}"] a`);
    const phases = page.locator('.row.phase strong');
    await expect
      .poll(() => phases.allTextContents())
      .toEqual([
        'Planning',
        'Execution',
        'Verification',
        'Fix round 1 · planning',
        'Fix round 1 · execution',
        'Fix round 1 · verification',
        'Foundation update',
      ]);
    const lane = (name: string) => page.locator(`.row.lane-${name} .card`).allTextContents();
    const planner = await lane('planner');
    expect(planner.some((t) => t.startsWith('Re-ask 1: ') && t.includes('no-code-block'))).toBe(true);
    expect(
      planner.filter((t) => t.startsWith('Instruction accepted') || t.startsWith('Fix instruction accepted')),
    ).toHaveLength(2);
    const executor = await lane('executor');
    expect(executor).toEqual(
      expect.arrayContaining([
        'tool call: write_file greet.mjs',
        'file change: wrote greet.mjs',
        'output: exit code 0: node --test',
      ]),
    );
    const verifier = await lane('verifier');
    expect(verifier).toEqual(
      expect.arrayContaining([
        '✗ tests · 1 failure(s)',
        '✓ typecheck',
        'Verdict: failed',
        '✓ tests',
        'Verdict: passed',
      ]),
    );
    expect(await page.locator('.row.phase').first().textContent()).toMatch(/2\.4k tokens · \$0\.02/);
    expect(await page.locator('[data-testid=usage-by-phase]').textContent()).toMatch(/planning[\s\S]*execution/);
    // The instruction, section by section, until an event is selected.
    expect(await page.locator('.detail .instruction h4').allTextContents()).toEqual(
      expect.arrayContaining(['OBJECTIVES', 'REQUIREMENTS', 'VALIDATION']),
    );
    await page.click('.row.lane-executor .card:text("file change: wrote greet.mjs")');
    expect(await page.locator('.detail .diff .add').first().textContent()).toContain('+export const greet');
    await page.click('.row.lane-verifier .card:text("✗ tests · 1 failure(s)")');
    expect(await page.locator('.detail .findings').textContent()).toContain('test/greet.test.mjs:3');
    await page.click('.row .card:text("Foundation 1.0 → 1.1")');
    await expect
      .poll(() => page.locator('.detail .diff .add').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('1.1')]));
    // 1.0 was the document before any session: the store has no record of it to diff against.
    expect(await page.locator('.detail').textContent()).toContain('No earlier version is recorded');
    expect(await page.locator('.links a.link-commit').getAttribute('href')).toBe(
      'https://git.example.invalid/commit/c0ffee1',
    );
    expect(await page.locator('.links .link-deploy').textContent()).toBe(
      'deploy sessionhub/v1.1 → main @ c0ffeec0ff (1.1)',
    );
    await shot('session-timeline');
  });

  it('saves the succeeded session as a template and lists it', async () => {
    await page.fill('input[aria-label="template name"]', 'greeting-template');
    await page.click('button[data-action=template]');
    await expect.poll(() => page.locator('.actions [role=status]').textContent()).toBe('template: done');
    await open('/templates');
    await expect
      .poll(() => page.locator('[data-testid=templates] summary').allTextContents())
      .toEqual([expect.stringContaining('greeting-template')]);
  });

  it('approves a waiting session and shows it continue live', async () => {
    await open(`/sessions/${waitingId}`);
    await expect.poll(() => page.locator('[data-testid=session-state]').textContent()).toBe('awaiting_approval');
    expect(await page.locator('[data-testid=live]').count()).toBe(1);
    expect(await page.locator('.row .card:text("Waiting for approval")').count()).toBe(1);
    await shot('session-waiting');
    await page.click('button[data-action=approve]');
    await expect
      .poll(() => page.locator('[data-testid=session-state]').textContent(), { timeout: 15_000 })
      .toBe('succeeded');
    await expect
      .poll(() => page.locator('.row.phase strong').allTextContents())
      .toEqual(expect.arrayContaining(['Approval', 'Execution', 'Verification']));
    expect(await page.locator('.row .card:text("Approved")').count()).toBe(1);
    expect(await page.locator('.row .card:text("Session succeeded")').count()).toBe(1);
    await shot('session-approved');
  });

  it('continues a session paused at its token budget with a raised limit', async () => {
    // Another engine ran it and let it go at the pause; the inspector's engine takes it up.
    const runner = seeded.hub({ policy: { foundation: 'skip', budgets: { tokens: 1000 } } });
    const paused = (await runner.run({ request: 'Greet within a budget' })).id;
    while ((await seeded.store.getSession(paused))?.state !== 'awaiting_approval') {
      await new Promise((r) => setTimeout(r, 20));
    }
    await open(`/sessions/${paused}`);
    await expect.poll(() => page.locator('.row .card:text("Paused at the tokens budget")').count()).toBe(1);
    expect(await page.locator('input[aria-label="new budget limit"]').inputValue()).toBe('2400');
    await page.fill('input[aria-label="new budget limit"]', '100000');
    await page.click('button[data-action=approve]');
    await expect.poll(() => page.locator('.actions [role=status]').textContent()).toBe('approve: done');
    // A session keeps the rules it was started with: `session.created` records that its engine did not require
    // approval, so the inspector's engine (which requires approval of every plan it starts) continues it straight
    // to the end after the raise, without asking for the plan's approval.
    await expect
      .poll(() => page.locator('[data-testid=session-state]').textContent(), { timeout: 15_000 })
      .toBe('succeeded');
    expect(await page.locator('.row .card:text-is("Waiting for approval")').count()).toBe(0);
    const log = await seeded.store.readEvents(paused);
    expect(log[0]).toMatchObject({ type: 'session.created', requireApproval: false });
    const raised = log.filter((e) => e.type === 'budget.raised');
    expect(raised).toEqual([expect.objectContaining({ budgets: { tokens: 100000 } })]);
    // The one approval asked for is the budget pause's; no plan approval was asked for after it.
    const asked = log.filter((e) => e.type === 'approval.requested');
    expect(asked).toEqual([expect.objectContaining({ budget: expect.objectContaining({ budget: 'tokens' }) })]);
    expect(log.filter((e) => e.type === 'approval.resolved')).toEqual([expect.objectContaining({ approved: true })]);
    expect(log.some((e) => e.type === 'step.started' && e.step === 'approve')).toBe(false);
  });

  it('searches the library', async () => {
    await open('/library');
    await page.fill('input[name=q]', 'demo');
    await page.click('button[type=submit]');
    const hits = page.locator('[data-testid=hits] li');
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    await page.fill('input[name=q]', 'no-such-words-anywhere');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('main').textContent()).toContain('No match.');
    await page.fill('input[name=q]', 'greet');
    await page.click('button[type=submit]');
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    await shot('library');
  });

  it('draws the analytics charts', async () => {
    await open('/analytics');
    const charts = page.locator('figure.chart');
    await expect.poll(() => charts.count()).toBe(4);
    expect(await page.locator('figure.chart figcaption').allTextContents()).toEqual([
      'Success rate over time',
      'Top failing gates',
      'Cost per session, by phase',
      'Phase durations (p50 / p95)',
    ]);
    expect(await page.locator('[data-chart="Top failing gates"] text').allTextContents()).toEqual(
      expect.arrayContaining(['tests']),
    );
    expect(await page.locator('[data-chart="Success rate over time"] rect.bar').count()).toBeGreaterThan(0);
    await shot('analytics');
  });

  it('shows hostile text from the instruction and tool output as text: nothing runs', async () => {
    await open(`/sessions/${seeded.hostileId}`);
    await expect.poll(() => page.locator('.session-head h2').textContent()).toContain(HOSTILE.name);
    expect(await page.locator('.detail').textContent()).toContain('<img src=x onerror=');
    await page.click('.row.lane-executor .card');
    await expect.poll(() => page.locator('.detail').textContent()).toContain('<a href="javascript:');
    await page.click('.row.lane-planner .card >> nth=0');
    expect(await page.locator('.row.lane-planner .card').first().textContent()).toContain('<script>');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main script, main img, main iframe, main b').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    // The issue's and the pull request's `javascript:` URLs are not made links at all.
    await expect.poll(() => page.locator('.links .link-pull_request').textContent()).toBe('PR #8 <b>x</b>');
    expect(await page.locator('.links a').count()).toBe(0);
    // Its Foundation update is diffed against the version the first session recorded.
    await page.click('.row .card:text("Foundation 1.1 → 1.2")');
    await expect
      .poll(() => page.locator('.detail .diff .del').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('Current Version:** 1.1')]));
    expect(await page.locator('.detail .diff .add').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Current Version:** 1.2')]),
    );
    await shot('foundation-diff');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await shot('hostile-escaped');
  });
});
