/**
 * Whether a driver error means the database could not be reached (as opposed to a bad statement): refused or
 * dropped connections, timeouts, a server shutting down. Those are UNAVAILABLE to a client, who may retry;
 * anything else from the database stays a masked INTERNAL error.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'SQLITE_BUSY',
  // MariaDB/MySQL: the session was killed (KILL <id>, a failover) or the server is going away.
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);
// PostgreSQL SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention: shutdown, crash).
const POSTGRES_UNAVAILABLE = /^(08\d\d\d|57P0[1-3])$/;

export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  // node-postgres reports a dropped connection without a code, and so does mysql2 for a statement sent on a
  // connection it already knows to be closed.
  return (
    typeof message === 'string' &&
    (/^Connection terminated/.test(message) || /^Client has encountered a connection error/.test(message) || /connection is in closed state/.test(message))
  );
}
