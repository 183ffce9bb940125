import * as Y from 'yjs';
import type { AuditValue } from '#shared/audit';

/** Deeper values (only an old or hostile client writes them) are noted, not copied. */
const MAX_DEPTH = 16;

/**
 * A document value as JSON can hold it, for what is kept beside the document (the audit trail, the
 * projection): never throws (BigInt, binary, deep nesting).
 */
export function jsonValue(value: unknown, depth = 0): AuditValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) return `(binary, ${value.byteLength} bytes)`;
  if (depth >= MAX_DEPTH) return '(nested too deeply to keep)';
  // A shared type where a plain value belongs (an old or hostile client's): what it holds.
  if (value instanceof Y.AbstractType) return jsonValue(value.toJSON(), depth + 1);
  if (Array.isArray(value)) return value.map((item) => jsonValue(item, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonValue(item, depth + 1)]));
  }
  return String(value);
}
