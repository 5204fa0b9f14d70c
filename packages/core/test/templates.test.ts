import {
  BoundaryViolationError,
  fillTemplate,
  type Template,
  TemplateError,
  templateVariablesSchema,
} from '@sessionhub/core';
import { sampleInstruction } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { makeHarness } from './support/harness.js';

const NOW = '2026-01-01T00:00:00.000Z';

const template: Template = {
  id: 'tpl-greeting',
  name: 'greeting',
  text: sampleInstruction({
    name: '{{audience}} Greeting',
    requirements: ['At most {{maxLength}} characters per greeting', 'Formal tone: {{formal}}'],
  }),
  variables: [
    { name: 'audience', type: 'string', required: true },
    { name: 'maxLength', type: 'number', required: true },
    { name: 'formal', type: 'boolean', required: false, default: false },
  ],
  tags: [],
  createdAt: NOW,
  updatedAt: NOW,
};

describe('templates', () => {
  it('fills placeholders, applying defaults', () => {
    const text = fillTemplate(template, { audience: 'Visitor', maxLength: 40 });
    expect(text).toContain('Session 1.1: Visitor Greeting');
    expect(text).toContain('At most 40 characters per greeting');
    expect(text).toContain('Formal tone: false');
    expect(text).not.toContain('{{');
  });

  it('builds a zod schema from the variable spec', () => {
    const schema = templateVariablesSchema(template);
    expect(schema.safeParse({ audience: 'a', maxLength: 1 }).success).toBe(true);
    expect(schema.safeParse({ audience: 'a' }).success).toBe(false);
    expect(schema.safeParse({ audience: 'a', maxLength: '1' }).success).toBe(false);
  });

  it('throws template.variable_missing for a missing required variable', () => {
    expect(() => fillTemplate(template, { audience: 'Visitor' })).toThrow(TemplateError);
    try {
      fillTemplate(template, { audience: 'Visitor' });
    } catch (err) {
      expect(err).toMatchObject({ code: 'template.variable_missing' });
      expect((err as Error).message).toContain('maxLength');
    }
  });

  it('throws template.variable_type for a wrongly typed variable', () => {
    try {
      fillTemplate(template, { audience: 'Visitor', maxLength: 'forty' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateError);
      expect(err).toMatchObject({ code: 'template.variable_type' });
      expect((err as Error).message).toContain('maxLength');
    }
  });

  it('throws template.variable_unknown for a placeholder the spec does not declare', () => {
    const broken = { ...template, text: `${template.text}- Also {{colour}}\n` };
    expect(() => fillTemplate(broken, { audience: 'V', maxLength: 1 })).toThrow(/colour/);
  });

  it('runs a session from a stored template without asking the planner for the first plan', async () => {
    const h = await makeHarness();
    await h.store.putTemplate(template);
    const handle = await h.hub.run({ template: 'greeting', variables: { audience: 'Visitor', maxLength: 40 } });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(result.session.templateId).toBe('tpl-greeting');
    expect(result.session.name).toBe('Visitor Greeting');
    expect(h.planner.calls).toHaveLength(0);
    expect(h.executor.calls[0]?.instruction.name).toBe('Visitor Greeting');
  });

  it('rejects run() with a typed error and creates no session when variables are wrong', async () => {
    const h = await makeHarness();
    await h.store.putTemplate(template);
    await expect(h.hub.run({ template: 'greeting', variables: { audience: 'Visitor' } })).rejects.toMatchObject({
      code: 'template.variable_missing',
    });
    await expect(h.hub.run({ template: 'greeting', variables: { audience: 7, maxLength: 40 } })).rejects.toMatchObject({
      code: 'template.variable_type',
    });
    await expect(h.hub.run({ template: 'nope', variables: {} })).rejects.toMatchObject({
      code: 'template.not_found',
    });
    expect(await h.store.listSessions()).toHaveLength(0);
  });

  it('lints the filled template against the actor boundary', async () => {
    const h = await makeHarness();
    await h.store.putTemplate({
      ...template,
      id: 'tpl-bad',
      name: 'bad',
      text: sampleInstruction({ extraRequirementLines: ['```', 'import {{pkg}}', '```'] }),
      variables: [{ name: 'pkg', type: 'string', required: true }],
    });
    await expect(h.hub.run({ template: 'bad', variables: { pkg: 'left-pad' } })).rejects.toBeInstanceOf(
      BoundaryViolationError,
    );
  });
});
