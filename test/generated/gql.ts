/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query DashboardRuns($namespace: String!) {\n  namespace(name: $namespace) {\n    name\n    runs(first: 50) {\n      edges {\n        node {\n          id\n          name\n          state\n          createdAt\n          experiment {\n            name\n          }\n          pipelineVersion {\n            name\n          }\n          executions {\n            outputs {\n              uri\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.DashboardRunsDocument,
    "query NamespaceSummary($recent: Int! = 5) {\n  viewer {\n    user\n    groups\n  }\n  namespaces(first: 20) {\n    edges {\n      node {\n        id\n        name\n        experiments(first: 10) {\n          edges {\n            node {\n              id\n              name\n              runCount\n            }\n          }\n        }\n        runs(first: $recent) {\n          edges {\n            node {\n              id\n              name\n              state\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}": typeof types.NamespaceSummaryDocument,
    "query RunDetail($runId: ID!, $lineageOf: ID!, $direction: LineageDirection! = BOTH, $depth: Int! = 3) {\n  run(id: $runId) {\n    id\n    name\n    namespace\n    state\n    createdAt\n    finishedAt\n    parameters\n    experiment {\n      id\n      name\n    }\n    pipelineVersion {\n      id\n      name\n    }\n    executions {\n      id\n      state\n      customProperties\n      inputs {\n        id\n        name\n        type\n        uri\n      }\n      outputs {\n        id\n        name\n        type\n        uri\n      }\n    }\n  }\n  lineage(of: $lineageOf, direction: $direction, depth: $depth) {\n    truncated\n    artifacts {\n      id\n      name\n      type\n      uri\n      namespace\n    }\n    executions {\n      id\n      state\n      namespace\n    }\n    edges {\n      artifactId\n      executionId\n      type\n    }\n  }\n}": typeof types.RunDetailDocument,
};
const documents: Documents = {
    "query DashboardRuns($namespace: String!) {\n  namespace(name: $namespace) {\n    name\n    runs(first: 50) {\n      edges {\n        node {\n          id\n          name\n          state\n          createdAt\n          experiment {\n            name\n          }\n          pipelineVersion {\n            name\n          }\n          executions {\n            outputs {\n              uri\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.DashboardRunsDocument,
    "query NamespaceSummary($recent: Int! = 5) {\n  viewer {\n    user\n    groups\n  }\n  namespaces(first: 20) {\n    edges {\n      node {\n        id\n        name\n        experiments(first: 10) {\n          edges {\n            node {\n              id\n              name\n              runCount\n            }\n          }\n        }\n        runs(first: $recent) {\n          edges {\n            node {\n              id\n              name\n              state\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}": types.NamespaceSummaryDocument,
    "query RunDetail($runId: ID!, $lineageOf: ID!, $direction: LineageDirection! = BOTH, $depth: Int! = 3) {\n  run(id: $runId) {\n    id\n    name\n    namespace\n    state\n    createdAt\n    finishedAt\n    parameters\n    experiment {\n      id\n      name\n    }\n    pipelineVersion {\n      id\n      name\n    }\n    executions {\n      id\n      state\n      customProperties\n      inputs {\n        id\n        name\n        type\n        uri\n      }\n      outputs {\n        id\n        name\n        type\n        uri\n      }\n    }\n  }\n  lineage(of: $lineageOf, direction: $direction, depth: $depth) {\n    truncated\n    artifacts {\n      id\n      name\n      type\n      uri\n      namespace\n    }\n    executions {\n      id\n      state\n      namespace\n    }\n    edges {\n      artifactId\n      executionId\n      type\n    }\n  }\n}": types.RunDetailDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardRuns($namespace: String!) {\n  namespace(name: $namespace) {\n    name\n    runs(first: 50) {\n      edges {\n        node {\n          id\n          name\n          state\n          createdAt\n          experiment {\n            name\n          }\n          pipelineVersion {\n            name\n          }\n          executions {\n            outputs {\n              uri\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query DashboardRuns($namespace: String!) {\n  namespace(name: $namespace) {\n    name\n    runs(first: 50) {\n      edges {\n        node {\n          id\n          name\n          state\n          createdAt\n          experiment {\n            name\n          }\n          pipelineVersion {\n            name\n          }\n          executions {\n            outputs {\n              uri\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NamespaceSummary($recent: Int! = 5) {\n  viewer {\n    user\n    groups\n  }\n  namespaces(first: 20) {\n    edges {\n      node {\n        id\n        name\n        experiments(first: 10) {\n          edges {\n            node {\n              id\n              name\n              runCount\n            }\n          }\n        }\n        runs(first: $recent) {\n          edges {\n            node {\n              id\n              name\n              state\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query NamespaceSummary($recent: Int! = 5) {\n  viewer {\n    user\n    groups\n  }\n  namespaces(first: 20) {\n    edges {\n      node {\n        id\n        name\n        experiments(first: 10) {\n          edges {\n            node {\n              id\n              name\n              runCount\n            }\n          }\n        }\n        runs(first: $recent) {\n          edges {\n            node {\n              id\n              name\n              state\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RunDetail($runId: ID!, $lineageOf: ID!, $direction: LineageDirection! = BOTH, $depth: Int! = 3) {\n  run(id: $runId) {\n    id\n    name\n    namespace\n    state\n    createdAt\n    finishedAt\n    parameters\n    experiment {\n      id\n      name\n    }\n    pipelineVersion {\n      id\n      name\n    }\n    executions {\n      id\n      state\n      customProperties\n      inputs {\n        id\n        name\n        type\n        uri\n      }\n      outputs {\n        id\n        name\n        type\n        uri\n      }\n    }\n  }\n  lineage(of: $lineageOf, direction: $direction, depth: $depth) {\n    truncated\n    artifacts {\n      id\n      name\n      type\n      uri\n      namespace\n    }\n    executions {\n      id\n      state\n      namespace\n    }\n    edges {\n      artifactId\n      executionId\n      type\n    }\n  }\n}"): (typeof documents)["query RunDetail($runId: ID!, $lineageOf: ID!, $direction: LineageDirection! = BOTH, $depth: Int! = 3) {\n  run(id: $runId) {\n    id\n    name\n    namespace\n    state\n    createdAt\n    finishedAt\n    parameters\n    experiment {\n      id\n      name\n    }\n    pipelineVersion {\n      id\n      name\n    }\n    executions {\n      id\n      state\n      customProperties\n      inputs {\n        id\n        name\n        type\n        uri\n      }\n      outputs {\n        id\n        name\n        type\n        uri\n      }\n    }\n  }\n  lineage(of: $lineageOf, direction: $direction, depth: $depth) {\n    truncated\n    artifacts {\n      id\n      name\n      type\n      uri\n      namespace\n    }\n    executions {\n      id\n      state\n      namespace\n    }\n    edges {\n      artifactId\n      executionId\n      type\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;