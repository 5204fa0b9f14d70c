import { readFileSync } from 'node:fs';
import { githubDescriptionFiles } from './descriptions.js';

/** A JSON Schema object of the OpenAPI description (OpenAPI 3.0 dialect: `nullable`, `$ref` into components). */
export type Schema = Record<string, unknown>;

/** One operation of GitHub's REST API, as its OpenAPI description states it. */
export interface Operation {
  /** e.g. `issues/create-comment`. */
  operationId: string;
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  template: string;
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  /** The JSON request body schema, when the operation takes one. */
  body?: { required: boolean; schema: Schema };
  /** Status → the JSON schema and the documented example of the answer, when there is one. */
  responses: Record<string, { schema?: Schema; example?: unknown }>;
}

/** GitHub's published description, loaded once per process (`@octokit/openapi`, api.github.com). */
export interface OpenApiIndex {
  /** Resolves a `$ref` (`#/components/...`) or returns the schema as is. */
  resolve(schema: Schema): Schema;
  /** The operation a method and path name, or `undefined` when GitHub has no such route. */
  find(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined;
  /** The operation by id. */
  byId(operationId: string): Operation | undefined;
}

interface Route {
  regex: RegExp;
  names: string[];
  literal: number;
  operation: Operation;
}

let cached: OpenApiIndex | undefined;

/** The index over `@octokit/openapi`'s `api.github.com.json` (about 13 MB; parsed on first use). */
export function openApiIndex(): OpenApiIndex {
  cached ??= buildIndex();
  return cached;
}

function buildIndex(): OpenApiIndex {
  const spec = JSON.parse(readFileSync(githubDescriptionFiles().openapi, 'utf8')) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: Record<string, Record<string, unknown>>;
  };
  const resolve = (schema: Schema): Schema => {
    let current = schema;
    for (let depth = 0; typeof current.$ref === 'string' && depth < 20; depth++) {
      const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(current.$ref as string) ?? [];
      const found = section && name ? (spec.components[section]?.[name] as Schema | undefined) : undefined;
      if (!found) throw new Error(`openapi: unresolvable $ref ${String(current.$ref)}`);
      current = found;
    }
    return current;
  };
  const routes = new Map<string, Route[]>();
  const ids = new Map<string, Operation>();
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = raw as {
        operationId: string;
        parameters?: Schema[];
        requestBody?: Schema;
        responses?: Record<string, Schema>;
      };
      const parameters = (op.parameters ?? []).map((p) => {
        const r = resolve(p) as { name: string; in: string; required?: boolean; schema?: Schema };
        return { name: r.name, in: r.in, required: r.required === true, schema: r.schema ?? {} };
      });
      let body: Operation['body'];
      if (op.requestBody) {
        const rb = resolve(op.requestBody) as { required?: boolean; content?: Record<string, { schema?: Schema }> };
        const json = rb.content?.['application/json']?.schema;
        if (json) body = { required: rb.required === true, schema: json };
      }
      const responses: Operation['responses'] = {};
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        const resolved = resolve(r) as {
          content?: Record<string, { schema?: Schema; examples?: Record<string, Schema> }>;
        };
        const json = resolved.content?.['application/json'];
        const exampleRef = json?.examples ? Object.values(json.examples)[0] : undefined;
        const example = exampleRef ? (resolve(exampleRef) as { value?: unknown }).value : undefined;
        responses[status] = {
          ...(json?.schema ? { schema: json.schema } : {}),
          ...(example !== undefined ? { example } : {}),
        };
      }
      const operation: Operation = {
        operationId: op.operationId,
        method: method.toUpperCase(),
        template,
        parameters,
        ...(body ? { body } : {}),
        responses,
      };
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
      const route: Route = {
        regex: new RegExp(`^${pattern}$`),
        names,
        literal: template.replace(/\{[^}]+\}/g, '').length,
        operation,
      };
      const list = routes.get(operation.method) ?? [];
      list.push(route);
      routes.set(operation.method, list);
      ids.set(operation.operationId, operation);
    }
  }
  // The most literal template wins (`/repos/{owner}/{repo}/issues/comments` over `.../issues/{issue_number}`).
  for (const list of routes.values()) list.sort((a, b) => b.literal - a.literal);
  return {
    resolve,
    byId: (id) => ids.get(id),
    find(method, path) {
      for (const route of routes.get(method.toUpperCase()) ?? []) {
        const m = route.regex.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] as string);
        });
        return { operation: route.operation, params };
      }
      return undefined;
    },
  };
}
