import { ForbiddenError, NotFoundError } from '../errors/domain-errors.js';
import type { Identity } from '../identity/identity.js';
import type { NamespaceDirectory } from '../kube/namespace-directory.js';
import type { MetadataScope } from '../mlmd/metadata-scope.js';
import type { AccessRequest, KfpResource } from './access-request.js';
import type { Authorizer } from './authorizer.js';
import { sharedPipelineRequest } from './shared-pipeline-rule.js';

/**
 * The authorizer as one request sees it: every distinct question is asked at most once per request (the memo),
 * whatever number of fields or rows need its answer.
 */
export class RequestAuthorizer {
  readonly identity: Identity;
  readonly #authorizer: Authorizer;
  readonly #directory: NamespaceDirectory;
  readonly #controlPlaneNamespace: string;
  readonly #memo = new Map<string, Promise<boolean>>();
  /** Answers already in, for the synchronous fast path of the field guard (resolvers/authz-guard.ts). */
  readonly #decided = new Map<string, boolean>();
  readonly #visible = new Map<string, Promise<readonly string[]>>();
  #metadataScope: Promise<MetadataScope> | undefined;

  constructor(identity: Identity, authorizer: Authorizer, directory: NamespaceDirectory, controlPlaneNamespace: string) {
    this.identity = identity;
    this.#authorizer = authorizer;
    this.#directory = directory;
    this.#controlPlaneNamespace = controlPlaneNamespace;
  }

  allows(request: AccessRequest): Promise<boolean> {
    const shared = sharedPipelineRequest(request, this.#controlPlaneNamespace);
    if (shared === 'allow' || shared === 'deny') return Promise.resolve(shared === 'allow');
    const effective = shared ?? request;
    const key = memoKey(effective);
    let decision = this.#memo.get(key);
    if (!decision) {
      decision = this.#authorizer.isAllowed(this.identity, effective).then(
        (allowed) => {
          this.#decided.set(key, allowed);
          return allowed;
        },
        () => false,
      );
      this.#memo.set(key, decision);
    }
    return decision;
  }

  /**
   * The answer if this request already has it, without waiting: most guarded fields repeat a question an
   * earlier field asked, and answering them synchronously lets graphql-js complete them without a promise.
   */
  decided(request: AccessRequest): boolean | undefined {
    const shared = sharedPipelineRequest(request, this.#controlPlaneNamespace);
    if (shared === 'allow' || shared === 'deny') return shared === 'allow';
    return this.#decided.get(memoKey(shared ?? request));
  }

  /** For actions on something the caller can already see: a denial is FORBIDDEN. */
  async require(request: AccessRequest): Promise<void> {
    if (!(await this.allows(request))) {
      const where = request.namespace === null ? 'cluster-wide' : request.namespace === '' ? 'on shared pipelines' : `in namespace ${request.namespace}`;
      throw new ForbiddenError(`${this.identity.user} may not ${request.verb} ${request.resource} ${where}`);
    }
  }

  /** For lookups: a denial is NOT_FOUND, exactly as if the object did not exist. */
  async requireVisible(request: AccessRequest, what: string): Promise<void> {
    if (!(await this.allows(request))) throw new NotFoundError(`${what} not found`);
  }

  /** The tenant namespaces where `verb` on `resource` is allowed; one memoized decision per namespace. */
  visibleNamespaces(resource: KfpResource, verb = 'list'): Promise<readonly string[]> {
    const key = `${resource}/${verb}`;
    let names = this.#visible.get(key);
    if (!names) {
      const candidates = this.#directory.list();
      names = Promise.all(candidates.map((namespace) => this.allows({ namespace, resource, verb }))).then((allowed) => candidates.filter((_, i) => allowed[i]));
      this.#visible.set(key, names);
    }
    return names;
  }

  /**
   * What ML-Metadata the caller may read: everything for a cluster-wide `list runs` (cluster admins, who also
   * see metadata no run context claims), else the namespaces where it may list runs.
   */
  metadataScope(): Promise<MetadataScope> {
    this.#metadataScope ??= this.allows({ namespace: null, resource: 'runs', verb: 'list' }).then(async (cluster) =>
      cluster ? { kind: 'cluster' as const } : { kind: 'namespaces' as const, namespaces: await this.visibleNamespaces('runs', 'list') },
    );
    return this.#metadataScope;
  }
}

/** The memo key within one request: the identity is fixed, so only the question's attributes vary. */
function memoKey(request: AccessRequest): string {
  return `${request.namespace ?? '\u0000'}\u0001${request.resource}\u0001${request.verb}\u0001${request.name ?? ''}`;
}
