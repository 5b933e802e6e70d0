import type { Generated } from 'kysely';

/**
 * ML-Metadata's own tables, column for column (schema version 10, the DDL in MLMD's
 * metadata_source_query_config.cc). Keeping MLMD's shapes is what lets kfp-graph read the metadata database of
 * an existing KFP installation with the same code that reads its own store.
 */
export interface TypeTable {
  id: Generated<number>;
  name: string;
  version: string | null;
  /** 0 execution type, 1 artifact type, 2 context type. */
  type_kind: number;
  description: string | null;
  input_type: string | null;
  output_type: string | null;
  external_id: string | null;
}

export interface TypePropertyTable {
  type_id: number;
  name: string;
  data_type: number | null;
}

export interface ParentTypeTable {
  type_id: number;
  parent_type_id: number;
}

export interface ArtifactTable {
  id: Generated<number>;
  type_id: number;
  uri: string | null;
  state: number | null;
  name: string | null;
  external_id: string | null;
  create_time_since_epoch: Generated<number>;
  last_update_time_since_epoch: Generated<number>;
}

export interface ExecutionTable {
  id: Generated<number>;
  type_id: number;
  last_known_state: number | null;
  name: string | null;
  external_id: string | null;
  create_time_since_epoch: Generated<number>;
  last_update_time_since_epoch: Generated<number>;
}

export interface ContextTable {
  id: Generated<number>;
  type_id: number;
  name: string;
  external_id: string | null;
  create_time_since_epoch: Generated<number>;
  last_update_time_since_epoch: Generated<number>;
}

/** ArtifactProperty, ExecutionProperty and ContextProperty share this shape but for the owner column. */
interface PropertyColumns {
  name: string;
  is_custom_property: number;
  int_value: number | null;
  double_value: number | null;
  string_value: string | null;
  byte_value: Uint8Array | null;
  proto_value: Uint8Array | null;
  bool_value: number | boolean | null;
}

export interface ArtifactPropertyTable extends PropertyColumns {
  artifact_id: number;
}
export interface ExecutionPropertyTable extends PropertyColumns {
  execution_id: number;
}
export interface ContextPropertyTable extends PropertyColumns {
  context_id: number;
}

export interface EventTable {
  id: Generated<number>;
  artifact_id: number;
  execution_id: number;
  type: number;
  milliseconds_since_epoch: number | null;
}

export interface EventPathTable {
  event_id: number;
  is_index_step: number;
  step_index: number | null;
  step_key: string | null;
}

export interface MLMDEnvTable {
  schema_version: number;
}

export interface ParentContextTable {
  context_id: number;
  parent_context_id: number;
}

export interface AssociationTable {
  id: Generated<number>;
  context_id: number;
  execution_id: number;
}

export interface AttributionTable {
  id: Generated<number>;
  context_id: number;
  artifact_id: number;
}

export interface MetadataTables {
  Type: TypeTable;
  TypeProperty: TypePropertyTable;
  ParentType: ParentTypeTable;
  Artifact: ArtifactTable;
  ArtifactProperty: ArtifactPropertyTable;
  Execution: ExecutionTable;
  ExecutionProperty: ExecutionPropertyTable;
  Event: EventTable;
  EventPath: EventPathTable;
  MLMDEnv: MLMDEnvTable;
  Context: ContextTable;
  ContextProperty: ContextPropertyTable;
  ParentContext: ParentContextTable;
  Association: AssociationTable;
  Attribution: AttributionTable;
}
