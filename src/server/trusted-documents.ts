import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What a request names: its document resolved to text, or why it is refused. */
export type TrustedResolution = { readonly ok: true; readonly query: string } | { readonly ok: false; readonly message: string };

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Trusted documents (TRUSTED_DOCUMENTS): the server runs only operations its operator shipped, as the
 * `persisted-documents.json` graphql-codegen's client preset writes (`{"sha256:<hex>": "<document>"}`). A client
 * sends the ID (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`) or the exact text of a listed
 * document; anything else is refused before it is parsed. Every entry's hash is verified when loaded.
 */
export class TrustedDocuments {
  readonly #byHash: ReadonlyMap<string, string>;

  private constructor(byHash: ReadonlyMap<string, string>) {
    this.#byHash = byHash;
  }

  static fromManifest(manifest: unknown, source = 'trusted documents'): TrustedDocuments {
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new Error(`${source}: expected a JSON object of "sha256:<hash>": "<document>"`);
    }
    const byHash = new Map<string, string>();
    for (const [id, text] of Object.entries(manifest)) {
      const hash = id.replace(/^sha256:/, '');
      if (typeof text !== 'string' || !/^[0-9a-f]{64}$/.test(hash) || sha256(text) !== hash) {
        throw new Error(`${source}: entry ${id.slice(0, 80)} is not the sha256 of its document`);
      }
      byHash.set(hash, text);
    }
    return new TrustedDocuments(byHash);
  }

  static load(path: string): TrustedDocuments {
    return TrustedDocuments.fromManifest(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** Every document's text (the metrics take their operation names from them). */
  documents(): IterableIterator<string> {
    return this.#byHash.values();
  }

  /** `documentId`/persisted-query hash → its text; a raw `query` only when it is one of the documents. */
  resolve(request: { readonly documentId?: unknown; readonly query?: unknown; readonly extensions?: unknown }): TrustedResolution {
    const persisted = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
    const id = typeof request.documentId === 'string' ? request.documentId : typeof persisted === 'string' ? persisted : undefined;
    if (id !== undefined) {
      const text = this.#byHash.get(id.replace(/^sha256:/, ''));
      return text === undefined ? { ok: false, message: `unknown document ${id.slice(0, 80)}` } : { ok: true, query: text };
    }
    if (typeof request.query === 'string' && this.#byHash.has(sha256(request.query))) return { ok: true, query: request.query };
    return { ok: false, message: 'this server runs trusted documents only: send a documentId from its manifest' };
  }
}
