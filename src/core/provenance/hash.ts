import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Hashes for the provenance chain. A record's hash covers its canonical JSON (RFC 8785: sorted
 * keys, fixed number and string forms) without the `hash` field itself, so the same record hashes
 * the same whichever process wrote it and however its file is indented.
 */

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The canonical text that a record's hash covers: the record minus `hash`. */
export function canonicalRecordText(record: object): string {
  const { hash: _omit, ...rest } = record as Record<string, unknown>;
  const text = canonicalize(rest);
  // canonicalize returns undefined only for undefined input; an object always serialises.
  if (text === undefined) throw new Error('Record cannot be serialised canonically.');
  return text;
}

export function hashRecord(record: object): string {
  return sha256Hex(canonicalRecordText(record));
}
