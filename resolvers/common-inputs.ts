import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Names the object a mutation acts on.' })
export class IdInput {
  @Field(() => ID)
  id!: string;
}

@InputType({ description: 'Rename or describe; fields left out are unchanged.' })
export class RenameInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
