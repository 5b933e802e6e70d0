import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { InvalidInputError } from '../src/errors/domain-errors.js';
import { expectGlobalId } from '../src/ids/global-id.js';
import type { PageLimits } from '../src/store/page-request.js';
import { ExecutionStateEnum } from './enums.js';

@InputType()
export class ArtifactFilter {
  @Field(() => [String], { nullable: true, description: 'ML-Metadata type names, e.g. ["system.Model"].' })
  typeIn?: string[] | null;

  @Field(() => String, { nullable: true })
  uriPrefix?: string | null;

  @Field(() => ID, { nullable: true })
  runId?: string | null;
}

@InputType()
export class ExecutionFilter {
  @Field(() => [String], { nullable: true })
  typeIn?: string[] | null;

  @Field(() => [ExecutionStateEnum], { nullable: true })
  stateIn?: ExecutionStateEnum[] | null;

  @Field(() => ID, { nullable: true })
  runId?: string | null;
}

export enum MetadataOrderEnum {
  CREATED_AT_DESC = 'CREATED_AT_DESC',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
}
registerEnumType(MetadataOrderEnum, { name: 'MetadataOrder', description: 'Orderings of metadata lists; ties are broken by ID.' });

/** Metadata lists walk forward only, as ML-Metadata's own list API does; newest first unless ordered otherwise. */
@ArgsType()
export class MetadataListArgs {
  @Field(() => MetadataOrderEnum, { nullable: true, defaultValue: MetadataOrderEnum.CREATED_AT_DESC })
  orderBy?: MetadataOrderEnum | null;

  @Field(() => Int, { nullable: true, description: 'Page size (default 20, at most 200).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

export function metadataPageSize(first: number | null | undefined, limits: PageLimits): number {
  if (first == null) return limits.defaultSize;
  if (!Number.isInteger(first) || first < 1 || first > limits.maxSize) {
    throw new InvalidInputError(`first must be between 1 and ${limits.maxSize}, got ${first}`, 'first');
  }
  return first;
}

export function runIdOf(globalId: string | null | undefined): string | undefined {
  return globalId ? expectGlobalId(globalId, 'Run', 'filter.runId') : undefined;
}

export function metadataOrder(order: MetadataOrderEnum | null | undefined): 'asc' | 'desc' {
  return order === MetadataOrderEnum.CREATED_AT_ASC ? 'asc' : 'desc';
}
