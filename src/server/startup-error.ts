/**
 * A start-up failure the operator can fix: it names the setting and the cause in one line. `npm start` prints
 * it without a stack and exits with 2 (like a bad setting in src/config), so a crash-looping pod's last log
 * line says what to change.
 */
export class StartupError extends Error {
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`${setting}: ${reason}`);
    this.name = 'StartupError';
  }
}

/** A URL with its password (if any) replaced, safe for a log line. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
