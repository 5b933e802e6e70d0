import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost } from '../../src/server/operation-cost.js';

const costOf = (query: string, variables: Record<string, unknown> = {}): number => {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return operationCost(document, operation, variables);
};

describe('operationCost', () => {
  it("weighs like graphql-armor's cost limit for literal page sizes", () => {
    // namespace: 2 + 1.5 × (name 1 + runs ((2 + 1.5 × nodes (2 + 1.5 × 1)) × 10))
    expect(costOf('{ namespace(name: "a") { name runs(first: 10) { nodes { id } } } }')).toBe(2 + 1.5 * (1 + (2 + 1.5 * (2 + 1.5)) * 10));
  });

  it('counts `first: $f` as the variable given, else its default, else 1', () => {
    const query = (signature: string) => `query Q${signature} { namespace(name: "a") { runs(first: $f) { nodes { id } } } }`;
    const literal = costOf('{ namespace(name: "a") { runs(first: 50) { nodes { id } } } }');
    expect(costOf(query('($f: Int!)'), { f: 50 })).toBe(literal);
    expect(costOf(query('($f: Int = 50)'))).toBe(literal);
    expect(costOf(query('($f: Int = 50)'), { f: 50 })).toBe(literal);
    expect(costOf(query('($f: Int)'))).toBeLessThan(literal);
    expect(costOf(query('($f: Int)'), { f: -3 })).toBe(costOf(query('($f: Int)'), { f: 1 }));
  });

  it('reads `last` too, costs fragments once per spread and introspection nothing', () => {
    expect(costOf('query Q($l: Int) { namespace(name: "a") { runs(last: $l) { nodes { id } } } }', { l: 30 })).toBe(
      costOf('{ namespace(name: "a") { runs(last: 30) { nodes { id } } } }'),
    );
    const spread = costOf(
      'query Q($f: Int) { a: namespace(name: "a") { ...F } b: namespace(name: "b") { ...F } } fragment F on Namespace { runs(first: $f) { nodes { id } } }',
      { f: 40 },
    );
    const single = costOf('query Q($f: Int) { a: namespace(name: "a") { ...F } } fragment F on Namespace { runs(first: $f) { nodes { id } } }', { f: 40 });
    expect(spread).toBe(2 * single);
    expect(costOf('{ __schema { types { name fields { name } } } }')).toBe(0);
  });
});
