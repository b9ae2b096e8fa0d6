import { createHash } from 'node:crypto';

/** Hex sha256 of bytes or text: file identity everywhere (blobs, freshness checks, read-backs). */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Same bytes, or both absent. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.byteLength === b.byteLength && sha256Hex(a) === sha256Hex(b);
}
