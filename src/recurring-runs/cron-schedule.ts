import { InvalidInputError } from '../errors/domain-errors.js';

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly question?: boolean;
}

/** robfig/cron's fields with seconds, what KFP's ScheduledWorkflow controller parses (cron.WithSeconds()). */
const FIELDS: readonly FieldRule[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], question: true },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/**
 * Validates a cron expression as KFP accepts it and returns it with seconds: six fields
 * (`sec min hour dom month dow`), or the usual five (a `0` seconds field is prepended), or a descriptor
 * (`@daily`, `@every 1h30m`). Throws BAD_USER_INPUT naming the field that is wrong.
 *
 * @example normalizeCron('*\/5 * * * *') // '0 *\/5 * * * *'
 */
export function normalizeCron(expression: string, path = 'input.cron'): string {
  const text = expression.trim();
  if (text.startsWith('@')) {
    if (DESCRIPTORS.has(text)) return text;
    const every = /^@every\s+(\S+)$/.exec(text);
    if (every?.[1] && GO_DURATION.test(every[1])) return `@every ${every[1]}`;
    throw new InvalidInputError(`cron: unknown descriptor "${text.slice(0, 40)}" (use @hourly, @daily, @weekly, @monthly, @yearly or @every <duration>)`, path);
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new InvalidInputError(`cron: expected 6 fields (seconds minutes hours day-of-month month day-of-week) or 5, got ${parts.length}`, path);
  }
  const fields = parts.length === 5 ? ['0', ...parts] : parts;
  fields.forEach((field, index) => {
    checkField(field, FIELDS[index] as FieldRule, path);
  });
  return fields.join(' ');
}

function checkField(field: string, rule: FieldRule, path: string): void {
  const fail = (why: string): never => {
    throw new InvalidInputError(`cron: ${rule.name} field "${field.slice(0, 40)}" ${why}`, path);
  };
  for (const item of field.split(',')) {
    if (item === '') fail('has an empty list item');
    if (item === '?') {
      if (!rule.question) fail('may not be "?"');
      continue;
    }
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) fail('has more than one "/"');
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) fail('has a step that is not a positive number');
    if (range === '*') continue;
    const [low, high, more] = (range ?? '').split('-');
    if (more !== undefined) fail('has a malformed range');
    const from = value(low ?? '', rule) ?? fail(`has a value out of ${rule.min}-${rule.max}`);
    if (high !== undefined) {
      const to = value(high, rule) ?? fail(`has a value out of ${rule.min}-${rule.max}`);
      if (to < from) fail('has a range that ends before it starts');
    }
  }
}

function value(text: string, rule: FieldRule): number | undefined {
  const upper = text.toUpperCase();
  const named = rule.names?.indexOf(upper) ?? -1;
  if (named >= 0) return rule.min + named;
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= rule.min && n <= rule.max ? n : undefined;
}
