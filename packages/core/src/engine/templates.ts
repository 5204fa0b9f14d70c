import { z } from 'zod';
import { TemplateError } from '../errors.js';
import type { Template, TemplateVariable } from '../model/template.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Builds the zod schema of a template's variables from its serialisable spec. */
export function templateVariablesSchema(template: Pick<Template, 'variables'>): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const v of template.variables) shape[v.name] = variableSchema(v);
  return z.object(shape);
}

function variableSchema(v: TemplateVariable): z.ZodType {
  const base: z.ZodType = v.type === 'string' ? z.string() : v.type === 'number' ? z.number() : z.boolean();
  // A default of the wrong type is a broken template, not a caller error: it fails validation below.
  if (v.default !== undefined) return z.preprocess((x) => (x === undefined ? v.default : x), base);
  return v.required === false ? base.optional() : base;
}

/**
 * Fills a template's `{{variable}}` placeholders after validating the variables against its spec.
 *
 * @throws {TemplateError} `template.variable_missing` when a required variable is absent,
 *   `template.variable_type` when one has the wrong type, `template.variable_unknown` when a
 *   placeholder names a variable the spec does not declare.
 */
export function fillTemplate(template: Template, variables: Record<string, unknown> = {}): string {
  const parsed = templateVariablesSchema(template).safeParse(variables);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    const missing = variables[name] === undefined;
    throw new TemplateError(
      missing ? 'template.variable_missing' : 'template.variable_type',
      missing
        ? `template "${template.name}": variable "${name}" is required`
        : `template "${template.name}": variable "${name}": ${issue.message}`,
      { cause: parsed.error },
    );
  }
  const values = parsed.data;
  return template.text.replace(PLACEHOLDER, (_m, name: string) => {
    if (!(name in values) && !template.variables.some((v) => v.name === name)) {
      throw new TemplateError('template.variable_unknown', `template "${template.name}": unknown variable "${name}"`);
    }
    const value = values[name];
    return value === undefined ? '' : String(value);
  });
}
