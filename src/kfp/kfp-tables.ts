/**
 * The tables of KFP's `mlpipeline` database that kfp-graph reads, as KFP's GORM models create them
 * (KFP: backend/src/apiserver/model/{experiment,pipeline,pipeline_version,run,job,resource_reference}.go;
 * the DDL is in test/fixtures/upstream/kfp-db/). Column names keep KFP's PascalCase; kysely quotes them, which
 * PostgreSQL needs and MySQL ignores. Only the columns kfp-graph reads are declared. kfp-graph never writes here.
 */
type Int = number | string;
/** PostgreSQL answers `boolean`, MySQL `tinyint(1)`. */
type Bool = boolean | number;

export interface KfpExperimentTable {
  UUID: string;
  Name: string;
  Description: string;
  CreatedAtInSec: Int;
  LastRunCreatedAtInSec: Int;
  Namespace: string;
  StorageState: string;
}

export interface KfpPipelineTable {
  UUID: string;
  CreatedAtInSec: Int;
  Name: string;
  DisplayName: string;
  Description: string;
  Status: string;
  Namespace: string | null;
}

export interface KfpPipelineVersionTable {
  UUID: string;
  CreatedAtInSec: Int;
  Name: string;
  DisplayName: string;
  PipelineId: string;
  Status: string;
  Description: string | null;
  PipelineSpec: string;
}

export interface KfpRunTable {
  UUID: string;
  DisplayName: string;
  Name: string;
  Description: string;
  Namespace: string;
  ExperimentUUID: string;
  JobUUID: string | null;
  StorageState: string;
  ServiceAccount: string;
  PipelineId: string;
  PipelineVersionId: string | null;
  Parameters: string | null;
  RuntimeParameters: string | null;
  CreatedAtInSec: Int;
  ScheduledAtInSec: Int | null;
  FinishedAtInSec: Int | null;
  Conditions: string;
  State: string | null;
  WorkflowRuntimeManifest: string;
}

export interface KfpJobTable {
  UUID: string;
  DisplayName: string;
  Name: string;
  Namespace: string;
  ServiceAccount: string;
  Description: string;
  MaxConcurrency: Int;
  NoCatchup: Bool;
  CreatedAtInSec: Int;
  UpdatedAtInSec: Int | null;
  Enabled: Bool;
  ExperimentUUID: string;
  CronScheduleStartTimeInSec: Int | null;
  CronScheduleEndTimeInSec: Int | null;
  Schedule: string | null;
  PeriodicScheduleStartTimeInSec: Int | null;
  PeriodicScheduleEndTimeInSec: Int | null;
  IntervalSecond: Int | null;
  PipelineId: string;
  PipelineVersionId: string | null;
  Parameters: string | null;
  RuntimeParameters: string | null;
  Conditions: string;
}

export interface KfpResourceReferenceTable {
  ResourceUUID: string;
  ResourceType: string;
  ReferenceUUID: string;
  ReferenceName: string;
  ReferenceType: string;
  Relationship: string;
  Payload: string;
}

export interface KfpDatabase {
  experiments: KfpExperimentTable;
  pipelines: KfpPipelineTable;
  pipeline_versions: KfpPipelineVersionTable;
  run_details: KfpRunTable;
  jobs: KfpJobTable;
  resource_references: KfpResourceReferenceTable;
}
