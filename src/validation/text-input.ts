import { InvalidInputError } from '../errors/domain-errors.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what names may not hold.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A display name: trimmed, 1 to `max` characters, no control characters. */
export function requireName(value: string, path: string, max = 255): string {
  const name = value.trim();
  if (name.length === 0) throw new InvalidInputError(`${path} must not be empty`, path);
  if (name.length > max) throw new InvalidInputError(`${path} is longer than ${max} characters`, path);
  if (CONTROL_CHARACTERS.test(name)) throw new InvalidInputError(`${path} must not contain control characters`, path);
  return name;
}

export function optionalDescription(value: string | null | undefined, path: string, max = 10_000): string {
  if (value == null) return '';
  if (value.length > max) throw new InvalidInputError(`${path} is longer than ${max} characters`, path);
  return value;
}

/** Kubernetes object names (DNS-1123 label): what a namespace or a service account may be called. */
export function requireDnsLabel(value: string, path: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
    throw new InvalidInputError(`${path}: "${value.slice(0, 80)}" is not a valid Kubernetes name (DNS-1123 label)`, path);
  }
  return value;
}
