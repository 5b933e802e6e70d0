import { fromGlobalId, type GlobalId } from '../src/ids/global-id.js';
import type { RequestContext } from '../src/server/request-context.js';
import { Artifact } from './artifact.js';
import { Execution } from './execution.js';
import { Experiment } from './experiment.js';
import { Namespace } from './namespace.js';
import { PipelineVersion } from './pipeline-version.js';
import { Pipeline } from './pipeline.js';
import { RecurringRun } from './recurring-run.js';
import { Run } from './run.js';

export type NodeObject = Namespace | Experiment | Run | RecurringRun | Pipeline | PipelineVersion | Artifact | Execution;

const NUMERIC_ID = /^[1-9][0-9]{0,15}$/;

/**
 * Loads the object a global ID names, through the request's loaders (so `nodes` of many IDs batch), or null.
 * Visibility is not decided here: the @authz guard checks the object's own rule on what this returns.
 */
export async function loadNode(ctx: RequestContext, globalId: string | GlobalId, argument = 'id'): Promise<NodeObject | null> {
  const { type, id } = typeof globalId === 'string' ? fromGlobalId(globalId, argument) : globalId;
  switch (type) {
    case 'Namespace':
      return ctx.app.directory.has(id) ? Namespace.of(id) : null;
    case 'Experiment': {
      const row = await ctx.loaders.experiment.load(id);
      return row ? Experiment.from(row) : null;
    }
    case 'Run': {
      const row = await ctx.loaders.run.load(id);
      return row ? Run.from(row) : null;
    }
    case 'RecurringRun': {
      const row = await ctx.loaders.recurringRun.load(id);
      return row ? RecurringRun.from(row) : null;
    }
    case 'Pipeline': {
      const row = await ctx.loaders.pipeline.load(id);
      return row ? Pipeline.from(row) : null;
    }
    case 'PipelineVersion': {
      const row = await ctx.loaders.pipelineVersion.load(id);
      return row ? PipelineVersion.from(row) : null;
    }
    case 'Artifact': {
      if (!NUMERIC_ID.test(id)) return null;
      const record = await ctx.loaders.artifact.load(Number(id));
      return record ? Artifact.from(record) : null;
    }
    case 'Execution': {
      if (!NUMERIC_ID.test(id)) return null;
      const record = await ctx.loaders.execution.load(Number(id));
      return record ? Execution.from(record) : null;
    }
  }
}
