/** JSON lines on stdout, one object per event, with the request ID and user where there is one. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

function serialize(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export function createLogger(
  level: LogLevel,
  base: Readonly<Record<string, unknown>> = {},
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Readonly<Record<string, unknown>> = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      const entry: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg: message, ...base };
      for (const [key, value] of Object.entries(fields)) entry[key] = serialize(value);
      write(`${JSON.stringify(entry)}\n`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}
