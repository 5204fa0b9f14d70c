import type { OpenApiIndex, Schema } from './openapi.js';

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

/**
 * Checks `value` against an OpenAPI 3.0 schema of GitHub's description: `type` (also as a list), `nullable`,
 * `enum`, `required`, `properties`, `additionalProperties: false`, `items`, `minItems`, `maxItems`, `oneOf` /
 * `anyOf` (one alternative must hold), `allOf`, and `$ref`. Formats and string lengths are not checked.
 * @returns one message per problem, each naming the JSON path (`body.labels[0]`); empty when it holds.
 */
export function checkSchema(index: OpenApiIndex, value: unknown, raw: Schema, path: string): string[] {
  const schema = index.resolve(raw);
  const actual = typeOf(value);
  if (value === null && (schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null')))) {
    return [];
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options) {
      const results = options.map((o) => checkSchema(index, value, o, path));
      if (!results.some((r) => r.length === 0)) {
        return [`${path}: matches none of the ${key} alternatives (${results.map((r) => r[0]).join(' | ')})`];
      }
    }
  }
  const errors: string[] = [];
  for (const part of (schema.allOf as Schema[] | undefined) ?? [])
    errors.push(...checkSchema(index, value, part, path));
  const types =
    schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.length > 0 && !types.some((t) => typeMatches(t, actual))) {
    return [...errors, `${path}: expected ${types.join(' or ')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in object)) errors.push(`${path}.${name}: required`);
    }
    for (const [name, v] of Object.entries(object)) {
      const p = properties[name];
      if (p) errors.push(...checkSchema(index, v, p, `${path}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${name}: not a known property`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...checkSchema(index, v, schema.additionalProperties as Schema, `${path}.${name}`));
      }
    }
  }
  if (actual === 'array') {
    const items = value as unknown[];
    if (typeof schema.minItems === 'number' && items.length < schema.minItems) {
      errors.push(`${path}: at least ${schema.minItems} items, got ${items.length}`);
    }
    if (typeof schema.maxItems === 'number' && items.length > schema.maxItems) {
      errors.push(`${path}: at most ${schema.maxItems} items, got ${items.length}`);
    }
    const itemSchema = schema.items as Schema | undefined;
    if (itemSchema) {
      for (const [i, item] of items.entries()) errors.push(...checkSchema(index, item, itemSchema, `${path}[${i}]`));
    }
  }
  return errors;
}

/** Checks a path or query parameter's text against its schema (integers and booleans parsed as the API does). */
export function checkParameter(index: OpenApiIndex, text: string, raw: Schema, path: string): string[] {
  const schema = index.resolve(raw);
  const type = schema.type;
  let value: unknown = text;
  if (type === 'integer' || type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return [`${path}: expected ${type}, got ${JSON.stringify(text)}`];
    value = Number(text);
  } else if (type === 'boolean') {
    if (text !== 'true' && text !== 'false') return [`${path}: expected boolean, got ${JSON.stringify(text)}`];
    value = text === 'true';
  }
  return checkSchema(index, value, schema, path);
}
