import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every object with a global ID can be fetched again with `node(id:)`. */
@InterfaceType({
  description: 'An object with a global ID.',
  resolveType: (value: { readonly __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global ID; pass it to `node(id:)`.' })
  id!: string;
}
