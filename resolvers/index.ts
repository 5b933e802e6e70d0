import type { NonEmptyArray } from 'type-graphql';
import { ArtifactFieldResolver } from './artifact.js';
import { ExecutionFieldResolver } from './execution.js';
import { ExperimentMutations } from './experiment-mutations.js';
import { ExperimentFieldResolver } from './experiment.js';
import { NamespaceFieldResolver } from './namespace.js';
import { PipelineMutations } from './pipeline-mutations.js';
import { PipelineVersionFieldResolver } from './pipeline-version.js';
import { PipelineFieldResolver } from './pipeline.js';
import { QueryResolver } from './query.js';
import { RecurringRunFieldResolver } from './recurring-run.js';
import { RunFieldResolver } from './run.js';
import { RecurringRunMutations } from './recurring-run-mutations.js';
import { RunMutations } from './run-mutations.js';
import { RunSubscription } from './run-subscription.js';
import { RunWorkflowFieldResolver } from './run-workflow.js';
import { ArtifactDownloadResolver } from './artifact-download.js';

/** Every resolver class; the schema is built from exactly these. */
// biome-ignore lint/complexity/noBannedTypes: type-graphql's buildSchema takes its resolver classes as NonEmptyArray<Function>.
export const resolverClasses: NonEmptyArray<Function> = [
  QueryResolver,
  NamespaceFieldResolver,
  ExperimentFieldResolver,
  RunFieldResolver,
  RecurringRunFieldResolver,
  PipelineFieldResolver,
  PipelineVersionFieldResolver,
  ArtifactFieldResolver,
  ExecutionFieldResolver,
  ExperimentMutations,
  PipelineMutations,
  RunMutations,
  RecurringRunMutations,
  RunWorkflowFieldResolver,
  RunSubscription,
  ArtifactDownloadResolver,
];
