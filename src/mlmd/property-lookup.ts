import type { Kysely } from 'kysely';
import type { MetadataPropertySet } from './metadata-records.js';
import type { MetadataTables } from './metadata-tables.js';
import { groupProperties, type PropertyRow } from './property-values.js';
import { chunksOf, distinct } from './sql-chunks.js';

export type PropertyOwner = 'artifact' | 'execution' | 'context';

const EMPTY: MetadataPropertySet = Object.freeze({ properties: Object.freeze({}), customProperties: Object.freeze({}) });

/** Properties and custom properties of many artifacts, executions or contexts: one statement per 500 ids. */
export async function propertiesOf(db: Kysely<MetadataTables>, owner: PropertyOwner, ids: readonly number[]): Promise<Map<number, MetadataPropertySet>> {
  const result = new Map<number, MetadataPropertySet>(ids.map((id) => [id, EMPTY]));
  for (const chunk of chunksOf(distinct(ids))) {
    const rows = await selectProperties(db, owner, chunk);
    for (const [id, set] of groupProperties(rows)) result.set(id, set);
  }
  return result;
}

const COLUMNS = ['name', 'is_custom_property', 'int_value', 'double_value', 'string_value', 'byte_value', 'proto_value', 'bool_value'] as const;

function selectProperties(db: Kysely<MetadataTables>, owner: PropertyOwner, ids: number[]): Promise<PropertyRow[]> {
  switch (owner) {
    case 'artifact':
      return db
        .selectFrom('ArtifactProperty')
        .where('artifact_id', 'in', ids)
        .select(['artifact_id as owner_id', ...COLUMNS])
        .orderBy('name')
        .execute();
    case 'execution':
      return db
        .selectFrom('ExecutionProperty')
        .where('execution_id', 'in', ids)
        .select(['execution_id as owner_id', ...COLUMNS])
        .orderBy('name')
        .execute();
    case 'context':
      return db
        .selectFrom('ContextProperty')
        .where('context_id', 'in', ids)
        .select(['context_id as owner_id', ...COLUMNS])
        .orderBy('name')
        .execute();
  }
}
