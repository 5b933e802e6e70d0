import { Kind, parse } from 'graphql';

/** The label of operations whose name is not on the list: one series for all of them. */
export const OTHER_OPERATION = 'other';
export const ANONYMOUS_OPERATION = 'anonymous';

/**
 * The `operation` label of the metrics, from a closed set: the names of the trusted documents' operations and
 * METRICS_OPERATION_NAMES. The operation name is whatever the client wrote, so labelling by it let any client
 * mint a new time series per request (20,000 unique names grew /metrics to 27 MB, never released).
 */
export class OperationLabels {
  readonly #names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.#names = new Set(names);
  }

  /** Operation names of a trusted-documents manifest's documents (its texts were hash-checked when loaded). */
  static namesOf(documents: Iterable<string>): string[] {
    const names: string[] = [];
    for (const text of documents) {
      for (const definition of parse(text, { noLocation: true }).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.push(definition.name.value);
      }
    }
    return names;
  }

  get size(): number {
    return this.#names.size;
  }

  of(operationName: string | null | undefined): string {
    if (operationName === null || operationName === undefined || operationName === '') return ANONYMOUS_OPERATION;
    return this.#names.has(operationName) ? operationName : OTHER_OPERATION;
  }
}
