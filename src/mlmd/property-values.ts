/** One row of ArtifactProperty / ExecutionProperty / ContextProperty, owner column renamed `owner_id`. */
export interface PropertyRow {
  readonly owner_id: number;
  readonly name: string;
  readonly is_custom_property: number | boolean;
  readonly int_value: number | null;
  readonly double_value: number | null;
  readonly string_value: string | null;
  readonly byte_value: Uint8Array | null;
  readonly proto_value: Uint8Array | null;
  readonly bool_value: number | boolean | null;
}

/**
 * MLMD sets exactly one value column per row (metadata_store.proto `Value` is a oneof). Booleans arrive as
 * 0/1 from SQLite and MySQL; byte and proto values (KFP's struct_value lands in proto_value as a serialized
 * google.protobuf.Any) are passed on as base64 rather than decoded.
 */
export function propertyValue(row: PropertyRow): string | number | boolean | null {
  if (row.string_value !== null) return row.string_value;
  if (row.int_value !== null) return Number(row.int_value);
  if (row.double_value !== null) return Number(row.double_value);
  if (row.bool_value !== null) return row.bool_value === true || Number(row.bool_value) === 1;
  if (row.byte_value !== null) return Buffer.from(row.byte_value).toString('base64');
  if (row.proto_value !== null) return Buffer.from(row.proto_value).toString('base64');
  return null;
}

/** `is_custom_property` is 0/1 in SQLite and MySQL, a boolean in MLMD's PostgreSQL schema. */
export function isCustom(row: Pick<PropertyRow, 'is_custom_property'>): boolean {
  return row.is_custom_property === true || Number(row.is_custom_property) === 1;
}

export function groupProperties(
  rows: readonly PropertyRow[],
): Map<number, { properties: Record<string, string | number | boolean | null>; customProperties: Record<string, string | number | boolean | null> }> {
  const byOwner = new Map<
    number,
    { properties: Record<string, string | number | boolean | null>; customProperties: Record<string, string | number | boolean | null> }
  >();
  for (const row of rows) {
    const owner = Number(row.owner_id);
    let set = byOwner.get(owner);
    if (set === undefined) {
      set = { properties: {}, customProperties: {} };
      byOwner.set(owner, set);
    }
    (isCustom(row) ? set.customProperties : set.properties)[row.name] = propertyValue(row);
  }
  return byOwner;
}
