export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

/** Which dialect a DATABASE_URL names. `mariadb://` is MySQL's wire protocol. */
export function dialectOfUrl(url: string): SqlDialect {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new Error(`unsupported database URL scheme: ${url.split(':')[0]}`);
}

/** `sqlite:./data/x.sqlite`, `sqlite:///abs/path.sqlite` or `sqlite::memory:` → a better-sqlite3 filename. */
export function sqliteFilename(url: string): string {
  const rest = url.slice('sqlite:'.length);
  if (rest === ':memory:' || rest === '') return ':memory:';
  return rest.startsWith('//') ? rest.slice(2) : rest;
}
