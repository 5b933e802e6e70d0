import { registerEnumType } from 'type-graphql';

/** KFP v2's run states (backend/api/v2beta1/run.proto RuntimeState), mapped from Argo phases by the sync. */
export enum RunStateEnum {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  SKIPPED = 'SKIPPED',
  FAILED = 'FAILED',
  CANCELING = 'CANCELING',
  CANCELED = 'CANCELED',
  PAUSED = 'PAUSED',
  /** KFP's RUNTIME_STATE_UNSPECIFIED: a KFP run whose state KFP never recorded (legacy '' / Unknown). */
  RUNTIME_STATE_UNSPECIFIED = 'RUNTIME_STATE_UNSPECIFIED',
}
registerEnumType(RunStateEnum, { name: 'RunState' });

/** ML-Metadata's Execution.State (metadata_store.proto). */
export enum ExecutionStateEnum {
  UNKNOWN = 'UNKNOWN',
  NEW = 'NEW',
  RUNNING = 'RUNNING',
  COMPLETE = 'COMPLETE',
  FAILED = 'FAILED',
  CACHED = 'CACHED',
  CANCELED = 'CANCELED',
}
registerEnumType(ExecutionStateEnum, { name: 'ExecutionState' });

/** ML-Metadata's Artifact.State. */
export enum ArtifactStateEnum {
  UNKNOWN = 'UNKNOWN',
  PENDING = 'PENDING',
  LIVE = 'LIVE',
  MARKED_FOR_DELETION = 'MARKED_FOR_DELETION',
  DELETED = 'DELETED',
  ABANDONED = 'ABANDONED',
  REFERENCE = 'REFERENCE',
}
registerEnumType(ArtifactStateEnum, { name: 'ArtifactState' });

/** ML-Metadata's Event.Type. */
export enum EventTypeEnum {
  UNKNOWN = 'UNKNOWN',
  DECLARED_OUTPUT = 'DECLARED_OUTPUT',
  DECLARED_INPUT = 'DECLARED_INPUT',
  INPUT = 'INPUT',
  OUTPUT = 'OUTPUT',
  INTERNAL_INPUT = 'INTERNAL_INPUT',
  INTERNAL_OUTPUT = 'INTERNAL_OUTPUT',
  PENDING_OUTPUT = 'PENDING_OUTPUT',
}
registerEnumType(EventTypeEnum, { name: 'EventType' });

export enum LineageDirectionEnum {
  UPSTREAM = 'UPSTREAM',
  DOWNSTREAM = 'DOWNSTREAM',
  BOTH = 'BOTH',
}
registerEnumType(LineageDirectionEnum, { name: 'LineageDirection' });
