import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { expectGlobalId } from '../src/ids/global-id.js';
import type { RunFilter as StoreRunFilter } from '../src/store/run-repository.js';
import { ConnectionArgs, ListOrderEnum, StorageStateEnum } from './connection-args.js';
import { RunStateEnum } from './enums.js';

@InputType({ description: 'Restricts a list of runs; every given condition must hold.' })
export class RunFilter {
  @Field(() => [RunStateEnum], { nullable: true })
  stateIn?: RunStateEnum[] | null;

  @Field(() => ID, { nullable: true })
  experimentId?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  nameContains?: string | null;

  @Field(() => StorageStateEnum, { nullable: true, description: 'AVAILABLE or ARCHIVED; both when omitted.' })
  storageState?: StorageStateEnum | null;
}

@ArgsType()
export class RunListArgs extends ConnectionArgs {
  @Field(() => RunFilter, { nullable: true })
  filter?: RunFilter | null;

  @Field(() => ListOrderEnum, { nullable: true, defaultValue: ListOrderEnum.CREATED_AT_DESC })
  orderBy?: ListOrderEnum | null;
}

export function runFilterOf(filter: RunFilter | null | undefined): StoreRunFilter {
  return {
    stateIn: filter?.stateIn ?? null,
    experimentId: filter?.experimentId ? expectGlobalId(filter.experimentId, 'Experiment', 'filter.experimentId') : null,
    nameContains: filter?.nameContains ?? null,
    storageState: filter?.storageState ?? null,
  };
}
