import { InvalidInputError } from '../errors/domain-errors.js';

/** The object types that `node(id:)` resolves; the first part of every global ID. */
export const NODE_TYPES = ['Namespace', 'Experiment', 'Run', 'RecurringRun', 'Pipeline', 'PipelineVersion', 'Artifact', 'Execution'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export interface GlobalId {
  readonly type: NodeType;
  readonly id: string;
}

/** Relay global IDs: base64url of `Type:localId`, opaque to clients and stable across releases. */
export function toGlobalId(type: NodeType, id: string | number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string, argument = 'id'): GlobalId {
  const decoded = /^[A-Za-z0-9_-]+$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const type = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (separator <= 0 || id.length === 0 || !(NODE_TYPES as readonly string[]).includes(type)) {
    throw new InvalidInputError(`${argument}: "${globalId.slice(0, 80)}" is not an ID this API issued`, argument);
  }
  return { type: type as NodeType, id };
}

/** Decodes an ID that must name one type (the id argument of `run(id:)`, of a mutation input). */
export function expectGlobalId(globalId: string, type: NodeType, argument = 'id'): string {
  const decoded = fromGlobalId(globalId, argument);
  if (decoded.type !== type) throw new InvalidInputError(`${argument}: expected the ID of a ${type}, got a ${decoded.type}`, argument);
  return decoded.id;
}

/** MLMD ids are integers; anything else cannot name an Artifact or Execution. */
export function expectNumericGlobalId(globalId: string, type: 'Artifact' | 'Execution', argument = 'id'): number {
  const id = expectGlobalId(globalId, type, argument);
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new InvalidInputError(`${argument}: "${globalId.slice(0, 80)}" is not an ID this API issued`, argument);
  return Number(id);
}
