import type { AppServices } from '../app/app-services.js';
import { KFP_RUN_LABEL, STANDALONE_RUN_LABEL } from '../kube/workflow/run-labels.js';
import { NO_DEADLINE, type WriteGuard } from '../app/write-guard.js';
import { RequestAuthorizer } from '../authz/request-authorizer.js';
import type { Identity } from '../identity/identity.js';
import { createRequestLoaders, type RequestLoaders } from '../loaders/request-loaders.js';
import type { ResponseWarning } from './response-warnings.js';

/** What every resolver receives: built once per request, shared by all its fields, dropped with it. */
export interface RequestContext {
  readonly requestId: string;
  readonly identity: Identity;
  readonly authz: RequestAuthorizer;
  readonly loaders: RequestLoaders;
  readonly app: AppServices;
  /** Non-fatal problems met while answering; the warnings plugin adds them to `errors` beside the data. */
  readonly warnings: ResponseWarning[];
  /** Mutations call `beginWrite()` before their first write (src/app/write-guard.ts). */
  readonly writes: WriteGuard;
  /** What the access log line says about the request; filled in by the observability plugin as it learns it. */
  readonly outcome: RequestOutcome;
}

export interface RequestOutcome {
  /** The operation's name once Apollo resolved it (or as the client sent it), `anonymous` for an unnamed one. */
  operation: string | undefined;
  /** The `extensions.code` of each error of the response. */
  readonly errorCodes: string[];
}

export function createRequestContext(app: AppServices, identity: Identity, requestId: string, writes: WriteGuard = NO_DEADLINE): RequestContext {
  const authz = new RequestAuthorizer(identity, app.authorizer, app.directory, app.config.CONTROL_PLANE_NAMESPACE);
  const loaders = createRequestLoaders(
    {
      experiments: app.reads.experiments,
      pipelines: app.reads.pipelines,
      runs: app.reads.runs,
      recurringRuns: app.reads.recurringRuns,
      metadata: app.metadata,
      workflows: app.workflows,
      workflowReadTimeoutMs: app.config.WORKFLOW_READ_TIMEOUT_MS,
      runLabel: app.mode === 'kfp' ? KFP_RUN_LABEL : STANDALONE_RUN_LABEL,
      counts: app.mode === 'standalone' ? app.repositories : null,
    },
    authz,
  );
  return { requestId, identity, authz, loaders, app, warnings: [], writes, outcome: { operation: undefined, errorCodes: [] } };
}
