import { Field, ObjectType } from 'type-graphql';
import type { LineageGraph } from '../src/mlmd/metadata-records.js';
import { toGlobalId } from '../src/ids/global-id.js';
import { Artifact } from './artifact.js';
import { EventTypeEnum } from './enums.js';
import { Execution } from './execution.js';

@ObjectType({ description: 'An event: an execution read (INPUT) or wrote (OUTPUT) an artifact.' })
export class LineageEdge {
  @Field(() => String, { description: 'Global ID of the artifact.' })
  artifactId!: string;

  @Field(() => String, { description: 'Global ID of the execution.' })
  executionId!: string;

  @Field(() => EventTypeEnum)
  type!: EventTypeEnum;
}

@ObjectType({ description: 'The part of the lineage graph the caller may read, around one artifact or execution.' })
export class Lineage {
  @Field(() => [Artifact])
  artifacts!: Artifact[];

  @Field(() => [Execution])
  executions!: Execution[];

  @Field(() => [LineageEdge])
  edges!: LineageEdge[];

  @Field(() => Boolean, { description: 'True when the node limit stopped the walk before the requested depth.' })
  truncated!: boolean;

  static from(graph: LineageGraph): Lineage {
    return Object.assign(new Lineage(), {
      artifacts: graph.artifacts.map(Artifact.from),
      executions: graph.executions.map(Execution.from),
      edges: graph.edges.map((e) =>
        Object.assign(new LineageEdge(), {
          artifactId: toGlobalId('Artifact', e.artifactId),
          executionId: toGlobalId('Execution', e.executionId),
          type: e.type as EventTypeEnum,
        }),
      ),
      truncated: graph.truncated,
    });
  }
}
