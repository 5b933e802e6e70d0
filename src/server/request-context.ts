import type { AppServices } from '../app/app-services.js';
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
}

export function createRequestContext(app: AppServices, identity: Identity, requestId: string): RequestContext {
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
    },
    authz,
  );
  return { requestId, identity, authz, loaders, app, warnings: [] };
}
