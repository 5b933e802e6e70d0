import type { Kysely } from 'kysely';
import { ConflictError } from '../errors/domain-errors.js';
import type { MetadataTables } from './metadata-tables.js';
import { NAMESPACE_PROPERTY, TYPE_KINDS, type TypeKindName } from './mlmd-enums.js';
import type { WritablePropertyValue } from './run-record.js';
import { chunksOf, distinct } from './sql-chunks.js';

/**
 * The select-then-insert steps of MetadataWriter. Each runs inside the writer's transaction and works the same
 * on the three dialects: rows are inserted without RETURNING (MySQL has none) and re-selected by their natural
 * key, which MLMD's unique constraints make unambiguous.
 */
type Db = Kysely<MetadataTables>;

/** Multi-row INSERTs are cut at this many rows, far below every dialect's bound-parameter limit. */
const INSERT_CHUNK = 200;

export const typeKey = (kind: TypeKindName, name: string): string => `${kind}:${name}`;

/**
 * Types are found by name and kind, as MLMD's PutType does (it has no unique constraint on the name, so
 * this never creates a second row for a type an existing installation already registered).
 */
export async function ensureTypes(db: Db, wanted: readonly { kind: TypeKindName; name: string }[]): Promise<Map<string, number>> {
  const select = async (): Promise<Map<string, number>> => {
    const rows = await db
      .selectFrom('Type')
      .select(['id', 'name', 'type_kind'])
      .where('name', 'in', distinct(wanted.map((t) => t.name)))
      .orderBy('id')
      .execute();
    const found = new Map<string, number>();
    for (const row of rows) {
      const kind = (Object.keys(TYPE_KINDS) as TypeKindName[]).find((k) => TYPE_KINDS[k] === Number(row.type_kind));
      if (kind !== undefined && !found.has(typeKey(kind, row.name))) found.set(typeKey(kind, row.name), Number(row.id));
    }
    return found;
  };
  const found = await select();
  const missing = distinct(wanted.map((t) => typeKey(t.kind, t.name))).filter((key) => !found.has(key));
  if (missing.length === 0) return found;
  const rows = wanted.filter(
    (t, i, all) => missing.includes(typeKey(t.kind, t.name)) && all.findIndex((u) => typeKey(u.kind, u.name) === typeKey(t.kind, t.name)) === i,
  );
  await db
    .insertInto('Type')
    .values(
      rows.map((t) => ({
        name: t.name,
        type_kind: TYPE_KINDS[t.kind],
        version: null,
        description: null,
        input_type: null,
        output_type: null,
        external_id: null,
      })),
    )
    .execute();
  return select();
}

/** Contexts are unique by (type_id, name) in MLMD's DDL. Returns their ids in the order asked. */
export async function ensureContexts(db: Db, wanted: readonly { typeId: number; name: string }[], now: number): Promise<number[]> {
  const key = (typeId: number, name: string): string => `${typeId}:${name}`;
  const select = async (): Promise<Map<string, number>> => {
    const rows = await db
      .selectFrom('Context')
      .select(['id', 'type_id', 'name'])
      .where((eb) => eb.or(wanted.map((c) => eb.and([eb('type_id', '=', c.typeId), eb('name', '=', c.name)]))))
      .execute();
    return new Map(rows.map((row) => [key(Number(row.type_id), row.name), Number(row.id)]));
  };
  const found = await select();
  const missing = wanted.filter((c) => !found.has(key(c.typeId, c.name)));
  if (missing.length === 0) return wanted.map((c) => found.get(key(c.typeId, c.name)) as number);
  await db
    .insertInto('Context')
    .values(missing.map((c) => ({ type_id: c.typeId, name: c.name, external_id: null, create_time_since_epoch: now, last_update_time_since_epoch: now })))
    .execute();
  const all = await select();
  return wanted.map((c) => all.get(key(c.typeId, c.name)) as number);
}

/**
 * The run context's `namespace` is what scopes every artifact and execution of the run, so it is written once
 * and never silently changed: a second writer claiming the run for another namespace is a conflict.
 */
export async function ensureRunNamespace(db: Db, contextId: number, namespace: string): Promise<void> {
  const existing = await db
    .selectFrom('ContextProperty')
    .select('string_value')
    .where('context_id', '=', contextId)
    .where('name', '=', NAMESPACE_PROPERTY)
    .executeTakeFirst();
  if (existing === undefined) {
    await db
      .insertInto('ContextProperty')
      .values({ context_id: contextId, name: NAMESPACE_PROPERTY, is_custom_property: 1, ...propertyColumns(namespace) })
      .execute();
  } else if (existing.string_value !== namespace) {
    throw new ConflictError(`the run context is already recorded for another namespace`, { contextId });
  }
}

/** Context custom properties that are missing are inserted; an existing one is left as its first writer wrote it. */
export async function ensureContextProperties(db: Db, contextId: number, properties: Readonly<Record<string, string>>): Promise<void> {
  const names = Object.keys(properties).filter((name) => name !== NAMESPACE_PROPERTY);
  if (names.length === 0) return;
  const existing = await db.selectFrom('ContextProperty').select('name').where('context_id', '=', contextId).where('name', 'in', names).execute();
  const have = new Set(existing.map((row) => row.name));
  const missing = names.filter((name) => !have.has(name));
  if (missing.length === 0) return;
  await db
    .insertInto('ContextProperty')
    .values(missing.map((name) => ({ context_id: contextId, name, is_custom_property: 1, ...propertyColumns(properties[name] as string) })))
    .execute();
}

/** KFP v2 makes the system.Pipeline context the parent of each system.PipelineRun context. */
export async function ensureParentContext(db: Db, contextId: number, parentContextId: number): Promise<void> {
  const existing = await db
    .selectFrom('ParentContext')
    .select('context_id')
    .where('context_id', '=', contextId)
    .where('parent_context_id', '=', parentContextId)
    .executeTakeFirst();
  if (existing === undefined) await db.insertInto('ParentContext').values({ context_id: contextId, parent_context_id: parentContextId }).execute();
}

/**
 * One MLMD Value in its column. Booleans are written 1/0: better-sqlite3 cannot bind JS booleans, and
 * PostgreSQL coerces the untyped parameter '1' into its BOOLEAN column.
 */
export function propertyColumns(value: WritablePropertyValue) {
  return {
    string_value: typeof value === 'string' ? value : null,
    int_value: typeof value === 'number' && Number.isSafeInteger(value) ? value : null,
    double_value: typeof value === 'number' && !Number.isSafeInteger(value) ? value : null,
    bool_value: typeof value === 'boolean' ? (value ? 1 : 0) : null,
    byte_value: null,
    proto_value: null,
  };
}

function sameValue(
  row: { string_value: string | null; int_value: number | null; double_value: number | null; bool_value: number | boolean | null },
  value: WritablePropertyValue,
): boolean {
  const wanted = propertyColumns(value);
  const bool = row.bool_value === null ? null : row.bool_value === true || Number(row.bool_value) === 1 ? 1 : 0;
  return (
    row.string_value === wanted.string_value &&
    (row.int_value === null ? null : Number(row.int_value)) === wanted.int_value &&
    (row.double_value === null ? null : Number(row.double_value)) === wanted.double_value &&
    bool === wanted.bool_value
  );
}

type PropertyTable = 'ArtifactProperty' | 'ExecutionProperty';
const OWNER = { ArtifactProperty: 'artifact_id', ExecutionProperty: 'execution_id' } as const;

/** Upserts custom properties: inserts the missing, updates the changed, leaves the rest (and others') alone. */
export async function upsertCustomProperties(
  db: Db,
  table: PropertyTable,
  wanted: ReadonlyMap<number, Readonly<Record<string, WritablePropertyValue>>>,
): Promise<void> {
  const ids = [...wanted.keys()];
  const existing = new Map<
    string,
    { string_value: string | null; int_value: number | null; double_value: number | null; bool_value: number | boolean | null }
  >();
  for (const chunk of chunksOf(ids)) {
    const rows =
      table === 'ArtifactProperty'
        ? await db
            .selectFrom('ArtifactProperty')
            .select(['artifact_id as owner_id', 'name', 'is_custom_property', 'string_value', 'int_value', 'double_value', 'bool_value'])
            .where('artifact_id', 'in', chunk)
            .execute()
        : await db
            .selectFrom('ExecutionProperty')
            .select(['execution_id as owner_id', 'name', 'is_custom_property', 'string_value', 'int_value', 'double_value', 'bool_value'])
            .where('execution_id', 'in', chunk)
            .execute();
    for (const row of rows) {
      if (Number(row.is_custom_property) === 1) existing.set(`${Number(row.owner_id)}\u0000${row.name}`, row);
    }
  }
  const inserts: { owner: number; name: string; value: WritablePropertyValue }[] = [];
  for (const [owner, properties] of wanted) {
    for (const [name, value] of Object.entries(properties)) {
      const row = existing.get(`${owner}\u0000${name}`);
      if (row === undefined) inserts.push({ owner, name, value });
      else if (!sameValue(row, value)) {
        await db
          .updateTable(table)
          .set(propertyColumns(value))
          .where(OWNER[table], '=', owner)
          .where('name', '=', name)
          .where('is_custom_property', '=', 1)
          .execute();
      }
    }
  }
  for (const chunk of chunksOf(inserts, INSERT_CHUNK)) {
    const rows = chunk.map((p) => ({ name: p.name, is_custom_property: 1, ...propertyColumns(p.value) }));
    if (table === 'ArtifactProperty')
      await db
        .insertInto('ArtifactProperty')
        .values(rows.map((r, i) => ({ ...r, artifact_id: (chunk[i] as { owner: number }).owner })))
        .execute();
    else
      await db
        .insertInto('ExecutionProperty')
        .values(rows.map((r, i) => ({ ...r, execution_id: (chunk[i] as { owner: number }).owner })))
        .execute();
  }
}

/** Inserts the (context, node) links that are missing: Association for executions, Attribution for artifacts. */
export async function ensureLinks(db: Db, table: 'Association' | 'Attribution', contextIds: readonly number[], nodeIds: readonly number[]): Promise<void> {
  if (nodeIds.length === 0) return;
  const have = new Set<string>();
  for (const chunk of chunksOf(distinct(nodeIds))) {
    const rows =
      table === 'Association'
        ? await db
            .selectFrom('Association')
            .select(['context_id', 'execution_id as node_id'])
            .where('context_id', 'in', [...contextIds])
            .where('execution_id', 'in', chunk)
            .execute()
        : await db
            .selectFrom('Attribution')
            .select(['context_id', 'artifact_id as node_id'])
            .where('context_id', 'in', [...contextIds])
            .where('artifact_id', 'in', chunk)
            .execute();
    for (const row of rows) have.add(`${Number(row.context_id)}:${Number(row.node_id)}`);
  }
  const missing = contextIds.flatMap((contextId) =>
    distinct(nodeIds)
      .filter((id) => !have.has(`${contextId}:${id}`))
      .map((id) => ({ contextId, id })),
  );
  for (const chunk of chunksOf(missing, INSERT_CHUNK)) {
    if (table === 'Association')
      await db
        .insertInto('Association')
        .values(chunk.map((m) => ({ context_id: m.contextId, execution_id: m.id })))
        .execute();
    else
      await db
        .insertInto('Attribution')
        .values(chunk.map((m) => ({ context_id: m.contextId, artifact_id: m.id })))
        .execute();
  }
}
