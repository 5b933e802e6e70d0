/**
 * The path (`a.b[2]`) of a value nested deeper than `max` objects/arrays, or undefined. Iterative, so it cannot
 * overflow the stack on the input it exists to refuse: every other walk over a spec or a JSON input recurses.
 */
export function pathDeeperThan(value: unknown, max: number, root = ''): string | undefined {
  const stack: [unknown, number, string][] = [[value, 0, root]];
  while (stack.length > 0) {
    const [current, depth, at] = stack.pop() as [unknown, number, string];
    if (typeof current !== 'object' || current === null || current instanceof Date) continue;
    if (depth >= max) return at;
    const entries: [string | number, unknown][] = Array.isArray(current) ? current.map((v: unknown, i) => [i, v]) : Object.entries(current);
    for (const [key, child] of entries) stack.push([child, depth + 1, typeof key === 'number' ? `${at}[${key}]` : at === '' ? key : `${at}.${key}`]);
  }
  return undefined;
}
