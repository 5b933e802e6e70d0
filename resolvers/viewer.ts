import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The caller, as kfp-graph authenticated it.' })
export class Viewer {
  @Field(() => String)
  user!: string;

  @Field(() => [String], { description: 'Groups sent with every SubjectAccessReview.' })
  groups!: string[];
}
