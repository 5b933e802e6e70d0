export type { JsonSchema, ValidationCause, ValidationResult } from './schema-types.js';
export { validateObject, validateValue } from './schema-validator.js';
export { pruneAndDefault } from './schema-pruner.js';
export { unknownFields } from './unknown-fields.js';
export { OpenApiDocument, type GroupVersionKind } from './openapi-document.js';
export { DEFAULT_CRD_FILES, loadCrdFile, loadCrds, parseCrd } from './crd-loader.js';
export type { CrdDefinition, CrdNames, CrdVersion } from './crd-loader.js';
