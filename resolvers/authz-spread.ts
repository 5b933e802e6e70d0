import { isObjectType, type FieldDefinitionNode, type GraphQLSchema } from 'graphql';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Writes a type's @authz rule onto each of its fields that has none of its own, both as the field's directive
 * (so the SDL shows the rule on every field of every guarded type) and as its extension (what the guard
 * enforces). The type-level directive stays: it is also the read rule of `node`, `_entities` and lookups.
 */
export function spreadTypeRules(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const rule = type.extensions?.authz;
    const directive = type.astNode?.directives?.find((d) => d.name.value === 'authz');
    if (rule === undefined || directive === undefined) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.extensions?.authz !== undefined) continue;
      const target = field as Mutable<typeof field>;
      if (field.astNode) {
        target.extensions = { ...field.extensions, authz: rule };
        const node: FieldDefinitionNode = { ...field.astNode, directives: [...(field.astNode.directives ?? []), directive] };
        target.astNode = node;
      } else {
        // A field type-graphql gave no AST node: the printer reads directives from `extensions.directives`.
        target.extensions = { ...field.extensions, authz: rule, directives: { authz: rule } };
      }
    }
  }
  return schema;
}
