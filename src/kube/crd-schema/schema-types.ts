/**
 * The structural subset of `apiextensions.k8s.io/v1` JSONSchemaProps that CRDs use (the Argo, KFP and Kubeflow
 * CRDs in test/fixtures/upstream use every field listed here). `x-kubernetes-validations` (CEL) is carried but not
 * evaluated.
 */
export interface JsonSchema {
  readonly type?: string;
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly enum?: readonly unknown[];
  readonly nullable?: boolean;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-validations'?: readonly unknown[];
}

/** One entry of a 422 Status's `details.causes`, shaped as kube-apiserver writes it. */
export interface ValidationCause {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueTooLong`, … */
  readonly reason: string;
  readonly message: string;
  /** `spec.templates[0].name` */
  readonly field: string;
}

export interface ValidationResult {
  readonly valid: boolean;
  readonly causes: readonly ValidationCause[];
  /** The object after structural pruning and defaulting: what the apiserver would store. */
  readonly object: unknown;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
