import { readFileSync } from 'node:fs';
import { UPSTREAM_FIXTURES } from './upstream-fixtures.js';

/**
 * Test support: KFP's published v2beta1 OpenAPI document (test/fixtures/upstream/kfp-api/, byte-identical to
 * kubeflow/pipelines backend/api/v2beta1/swagger/kfp_api_single_file.swagger.json), used to check that every
 * request kfp-graph sends is one KFP's API server serves: path, method, query parameters and body shape.
 */
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'body' | 'formData';
  readonly required?: boolean;
  readonly schema?: Schema;
  readonly type?: string;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly Parameter[];
  readonly consumes?: readonly string[];
}

interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly definitions: Readonly<Record<string, Schema>>;
}

export interface MatchedOperation {
  readonly operationId: string;
  readonly template: string;
  readonly pathParams: Readonly<Record<string, string>>;
}

interface Route {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly operation: Operation;
}

export class KfpOpenApi {
  readonly #doc: Document;
  readonly #routes: Route[];

  constructor(file = `${UPSTREAM_FIXTURES}kfp-api/kfp_api_single_file.swagger.json`) {
    this.#doc = JSON.parse(readFileSync(file, 'utf8')) as Document;
    this.#routes = [];
    for (const [template, operations] of Object.entries(this.#doc.paths)) {
      const names: string[] = [];
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const m = /^\{([^}]+)\}$/.exec(part);
          if (m?.[1]) {
            names.push(m[1]);
            return '([^/:]+)';
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      for (const [method, operation] of Object.entries(operations)) {
        this.#routes.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}$`), names, operation });
      }
    }
  }

  /**
   * The operation a request is, or the list of what is wrong with it: an unknown path or method, a query
   * parameter the operation does not declare, a body that does not fit the operation's body schema.
   */
  check(method: string, url: URL, body: unknown, contentType: string): { readonly operation?: MatchedOperation; readonly problems: readonly string[] } {
    const route = this.#routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) return { problems: [`${method} ${url.pathname} is not an operation of KFP's v2beta1 API`] };
    const values = route.pattern.exec(url.pathname)?.slice(1) ?? [];
    const pathParams = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
    const problems: string[] = [];
    const parameters = route.operation.parameters ?? [];
    const declaredQuery = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const key of url.searchParams.keys())
      if (!declaredQuery.has(key)) problems.push(`query parameter ${key} is not declared by ${route.operation.operationId}`);
    const bodyParam = parameters.find((p) => p.in === 'body');
    const formParams = parameters.filter((p) => p.in === 'formData');
    if (formParams.length > 0) {
      if (!contentType.startsWith('multipart/form-data'))
        problems.push(`${route.operation.operationId} takes multipart/form-data, got ${contentType || 'nothing'}`);
    } else if (bodyParam?.schema) {
      if (body === undefined) {
        if (bodyParam.required) problems.push(`${route.operation.operationId} needs a body`);
      } else {
        this.#validate(bodyParam.schema, body, 'body', problems);
      }
    } else if (body !== undefined) {
      problems.push(`${route.operation.operationId} takes no body`);
    }
    return { operation: { operationId: route.operation.operationId, template: route.template, pathParams }, problems };
  }

  #resolve(schema: Schema): Schema {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/definitions/', '');
    const found = this.#doc.definitions[name];
    if (!found) throw new Error(`unknown definition ${name}`);
    return this.#resolve(found);
  }

  #validate(raw: Schema, value: unknown, path: string, problems: string[]): void {
    const schema = this.#resolve(raw);
    if (schema.enum && !(typeof value === 'string' && schema.enum.includes(value))) {
      problems.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
      return;
    }
    switch (schema.type) {
      case undefined:
        if (schema.properties) break;
        return; // google.protobuf.Value and friends: every JSON value is valid.
      case 'string':
        // proto3 JSON: int64 is a string (a number is accepted too); date-time a RFC 3339 string.
        if (typeof value === 'string') return;
        if (schema.format === 'int64' && typeof value === 'number' && Number.isInteger(value)) return;
        problems.push(`${path}: expected a string${schema.format ? ` (${schema.format})` : ''}, got ${JSON.stringify(value)}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${path}: expected a boolean`);
        return;
      case 'integer':
      case 'number':
        if (typeof value !== 'number') problems.push(`${path}: expected a number`);
        return;
      case 'array':
        if (!Array.isArray(value)) problems.push(`${path}: expected an array`);
        else if (schema.items) for (const [i, item] of value.entries()) this.#validate(schema.items, item, `${path}[${i}]`, problems);
        return;
      case 'object':
        break;
      default:
        return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${path}: expected an object`);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (property) this.#validate(property, child, `${path}.${key}`, problems);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
        this.#validate(schema.additionalProperties, child, `${path}.${key}`, problems);
      else if (!schema.additionalProperties) problems.push(`${path}.${key}: unknown field`);
    }
  }
}
