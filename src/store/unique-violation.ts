/** Whether a driver error is a unique-key violation, on any of the three dialects. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; errno?: unknown };
  // SQLite: SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY; PostgreSQL: 23505; MySQL/MariaDB: ER_DUP_ENTRY 1062.
  return (
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505' || e.code === 'ER_DUP_ENTRY' || e.errno === 1062
  );
}
