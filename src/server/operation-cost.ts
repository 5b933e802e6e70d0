import { Kind, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type ValueNode } from 'graphql';

/**
 * graphql-armor's cost weights (graphql-armor-cost-limit's defaults), so MAX_COST means what it meant before.
 * Armor reads a page size only when it is a literal (`first: 50`); here `first: $f` costs what `$f` is in
 * this request (or its declared default), so moving the page size into a variable no longer escapes the limit.
 */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;
const PAGE_ARGUMENTS = new Set(['first', 'last']);

function intOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.trunc(value)
    : typeof value === 'string' && /^-?\d+$/.test(value)
      ? Number(value)
      : undefined;
}

/**
 * The cost of one operation with its variables: every scalar 1, every object 2 plus 1.5 × its children, a
 * selection with `first`/`last` multiplied by the page size. Introspection (`__schema`) is free, as in armor.
 * Runs on a validated document (no fragment cycles); each fragment is costed once and reused.
 */
export function operationCost(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const pageSize = (value: ValueNode): number | undefined => {
    if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    const given = intOf(variables[name]);
    if (given !== undefined) return given;
    const fallback = defaults.get(name);
    return fallback?.kind === Kind.INT ? Number.parseInt(fallback.value, 10) : undefined;
  };
  const fragmentCosts = new Map<string, number>();

  const cost = (node: ASTNode): number => {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      let inner = fragmentCosts.get(name);
      if (inner === undefined) {
        const fragment = fragments.get(name);
        inner = fragment ? cost(fragment) : 0;
        fragmentCosts.set(name, inner);
      }
      return SCALAR_COST + DEPTH_FACTOR * inner;
    }
    if (!('selectionSet' in node) || !node.selectionSet) return SCALAR_COST;
    let multiplier = 1;
    if (node.kind === Kind.FIELD) {
      const page = node.arguments?.find((argument) => PAGE_ARGUMENTS.has(argument.name.value));
      if (page) multiplier = Math.max(pageSize(page.value) ?? 1, 1);
    }
    let total = OBJECT_COST;
    for (const child of node.selectionSet.selections) total += DEPTH_FACTOR * cost(child);
    return total * multiplier;
  };

  return operation.selectionSet.selections.reduce((sum, child) => sum + cost(child), 0);
}
