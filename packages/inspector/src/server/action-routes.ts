import { randomUUID } from 'node:crypto';
import { BudgetLimitsSchema, type Store, type Template } from '@sessionhub/core';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { InspectorError } from '../errors.js';
import type { InspectorHub } from '../types.js';

const ApproveBody = z.object({ raiseBudget: BudgetLimitsSchema.optional() }).strict();
const RejectBody = z.object({ reason: z.string().max(2000).optional() }).strict();
const TemplateBody = z
  .object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).optional() })
  .strict();

async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new InspectorError('inspector.bad_request', 'the body must be JSON', { cause });
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InspectorError('inspector.bad_request', `body: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

function needHub(hub: InspectorHub | undefined): InspectorHub {
  if (!hub) {
    throw new InspectorError(
      'inspector.read_only',
      'this inspector has no engine (createInspector({ store, hub })): it shows sessions but cannot act on them',
    );
  }
  return hub;
}

/** The actions (POST, guarded): approve, reject, cancel, resume, save as template. Each goes through the hub. */
export function actionRoutes(app: Hono, store: Store, hub: InspectorHub | undefined): void {
  app.post('/api/sessions/:id/approve', async (c) => {
    const h = needHub(hub);
    const { raiseBudget } = await body(c, ApproveBody);
    await h.approve(c.req.param('id'), raiseBudget ? { raiseBudget } : {});
    return c.json({ ok: true });
  });
  app.post('/api/sessions/:id/reject', async (c) => {
    const h = needHub(hub);
    const { reason } = await body(c, RejectBody);
    await h.reject(c.req.param('id'), reason);
    return c.json({ ok: true });
  });
  app.post('/api/sessions/:id/cancel', async (c) => {
    await needHub(hub).cancel(c.req.param('id'));
    return c.json({ ok: true });
  });
  app.post('/api/sessions/:id/resume', async (c) => {
    await needHub(hub).resume(c.req.param('id'));
    return c.json({ ok: true });
  });
  app.post('/api/sessions/:id/template', async (c) => {
    needHub(hub);
    const { name, description } = await body(c, TemplateBody);
    const id = c.req.param('id');
    const session = await store.getSession(id, { signal: c.req.raw.signal });
    if (!session) throw new InspectorError('inspector.not_found', `session ${id} not found`);
    if (session.state !== 'succeeded' || !session.instruction) {
      throw new InspectorError(
        'inspector.invalid_state',
        `session ${id} is ${session.state}: only a succeeded session can become a template`,
      );
    }
    const at = new Date().toISOString();
    const template: Template = {
      id: randomUUID(),
      name,
      text: session.instruction,
      variables: [],
      tags: session.tags,
      createdAt: at,
      updatedAt: at,
      ...(description ? { description } : {}),
    };
    await store.putTemplate(template, { signal: c.req.raw.signal });
    return c.json({ template }, 201);
  });
}
