import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { GraphqlResponse, TestServer } from '../support/test-server.js';

type Caller = Parameters<TestServer['gql']>[2];

/** Sends a generated typed document (test/generated/) through the test server; the result is typed by it. */
export function typedGql<TResult, TVariables extends Record<string, unknown>>(
  t: TestServer,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  as?: Caller,
): Promise<GraphqlResponse<TResult>> {
  return t.gql<TResult>(print(document), variables, as);
}
