import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UnauthenticatedError, UnavailableError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';

export interface KfpApiSettings {
  /** KFP_API_URL, e.g. http://ml-pipeline.kubeflow:8888. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** KUBEFLOW_USERID_HEADER / KUBEFLOW_USERID_PREFIX, as KFP's API server reads them (KFP: common/config.go). */
  readonly userHeader: string;
  readonly userPrefix: string;
}

export type KfpJson = Readonly<Record<string, unknown>>;

/**
 * KFP's REST API v2beta1 (backend/api/v2beta1/*.proto, served by the grpc-gateway on port 8888). Every call
 * carries the caller's identity as KFP expects it, never kfp-graph's own: the caller's bearer token when it
 * came with one, else the trusted user header with KFP's prefix (KFP: apiserver/auth/authenticator_http_headers.go).
 * KFP's error answers become the API's codes.
 */
export class KfpApiClient {
  readonly #settings: KfpApiSettings;

  constructor(settings: KfpApiSettings) {
    this.#settings = settings;
  }

  async post(path: string, caller: Identity, body?: KfpJson, query?: Readonly<Record<string, string>>): Promise<KfpJson> {
    return this.#send('POST', path, caller, body === undefined ? undefined : JSON.stringify(body), query, 'application/json');
  }

  async patch(path: string, caller: Identity, body: KfpJson): Promise<KfpJson> {
    return this.#send('PATCH', path, caller, JSON.stringify(body), undefined, 'application/json');
  }

  async delete(path: string, caller: Identity, query?: Readonly<Record<string, string>>): Promise<KfpJson> {
    return this.#send('DELETE', path, caller, undefined, query);
  }

  /** KFP's upload API (multipart `uploadfile`), the one that takes both KFP v2 IR and Argo YAML packages. */
  async upload(path: string, caller: Identity, file: string, query: Readonly<Record<string, string>>): Promise<KfpJson> {
    const form = new FormData();
    form.append('uploadfile', new Blob([file], { type: 'application/x-yaml' }), 'pipeline.yaml');
    return this.#send('POST', path, caller, form, query);
  }

  async #send(
    method: string,
    path: string,
    caller: Identity,
    body: string | FormData | undefined,
    query?: Readonly<Record<string, string>>,
    contentType?: string,
  ): Promise<KfpJson> {
    const url = new URL(path, this.#settings.baseUrl.endsWith('/') ? this.#settings.baseUrl : `${this.#settings.baseUrl}/`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json', ...forwardedIdentity(caller, this.#settings) };
    if (contentType) headers['content-type'] = contentType;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.#settings.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new UnavailableError(timedOut ? `KFP's API server did not answer within ${this.#settings.timeoutMs} ms` : "KFP's API server could not be reached");
    }
    const text = await response.text().catch(() => '');
    const parsed = parseBody(text);
    if (response.ok) return parsed ?? {};
    throw kfpError(response.status, messageOf(parsed, text));
  }
}

/** The identity headers KFP reads: the caller's own token, else the user header an auth proxy would set. */
export function forwardedIdentity(caller: Identity, settings: Pick<KfpApiSettings, 'userHeader' | 'userPrefix'>): Record<string, string> {
  if (caller.bearerToken) return { authorization: `Bearer ${caller.bearerToken}` };
  return { [settings.userHeader.toLowerCase()]: `${settings.userPrefix}${caller.user}` };
}

function parseBody(text: string): KfpJson | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as KfpJson) : undefined;
  } catch {
    return undefined;
  }
}

/** grpc-gateway answers `{code, message, details}` (googlerpcStatus); older servers `{error, message}`. */
function messageOf(body: KfpJson | undefined, text: string): string {
  const message = body?.message ?? body?.error;
  if (typeof message === 'string' && message !== '') return message;
  return text.slice(0, 500);
}

function kfpError(status: number, message: string): Error {
  const detail = `KFP: ${message || `HTTP ${status}`}`;
  switch (status) {
    case 400:
      return new InvalidInputError(detail);
    case 401:
      return new UnauthenticatedError(detail);
    case 403:
      return new ForbiddenError(detail);
    case 404:
      return new NotFoundError(detail);
    case 409:
      return new ConflictError(detail);
    default:
      return new UnavailableError(status >= 500 ? `KFP's API server failed (${status}): ${message}` : detail);
  }
}
