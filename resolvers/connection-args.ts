import { ArgsType, Field, Int, registerEnumType } from 'type-graphql';
import type { ListOrder } from '../src/store/list-order.js';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, forward (default 20, at most 200).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size, backward (at most 200).' })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

export enum ListOrderEnum {
  CREATED_AT_DESC = 'CREATED_AT_DESC',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
  NAME_ASC = 'NAME_ASC',
  NAME_DESC = 'NAME_DESC',
}
registerEnumType(ListOrderEnum, { name: 'ListOrder', description: 'Stable orderings; ties are broken by ID.' });

export function toListOrder(order: ListOrderEnum | null | undefined): ListOrder | undefined {
  return order ?? undefined;
}

export enum StorageStateEnum {
  AVAILABLE = 'AVAILABLE',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(StorageStateEnum, { name: 'StorageState' });
