import canonicalize from 'canonicalize';
import { sha256Hex } from '../sha256';

export { sha256Hex };

/**
 * Hashes for the provenance chain. A record's hash covers its canonical JSON (RFC 8785: sorted
 * keys, fixed number and string forms) without the `hash` field itself (nor the `mac` that signs it), so the same record hashes
 * the same whichever process wrote it and however its file is indented.
 */

/** The canonical text that a record's hash covers: the record minus `hash` and `mac` (which signs the hash). */
export function canonicalRecordText(record: object): string {
  const { hash: _hash, mac: _mac, ...rest } = record as Record<string, unknown>;
  const text = canonicalize(rest);
  // canonicalize returns undefined only for undefined input; an object always serialises.
  if (text === undefined) throw new Error('Record cannot be serialised canonically.');
  return text;
}

export function hashRecord(record: object): string {
  return sha256Hex(canonicalRecordText(record));
}
