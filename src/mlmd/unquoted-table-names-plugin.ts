import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';

/**
 * MLMD's PostgreSQL DDL creates its tables without quotes (`CREATE TABLE Artifact`), so PostgreSQL folds their
 * names to lower case, while kysely quotes `"Artifact"`. Reading an existing KFP metadata database on
 * PostgreSQL therefore needs the table names folded the same way; columns are lower case already. kfp-graph's
 * own store (migrations/0002-mlmd.ts) keeps MLMD's capitalised names and needs no plugin.
 *
 * @example
 * const reader = new MetadataReader(handle.db.withPlugin(new UnquotedTableNamesPlugin()));
 */
export class UnquotedTableNamesPlugin implements KyselyPlugin {
  readonly #transformer = new LowerCaseTables();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

class LowerCaseTables extends OperationNodeTransformer {
  protected override transformTable(node: TableNode): TableNode {
    const table = node.table;
    return {
      ...node,
      table: { ...table, identifier: { ...table.identifier, name: table.identifier.name.toLowerCase() } },
    };
  }
}
