import { userInfo } from 'node:os';

/** Who decided, as recorded in provenance: `cli:<user>`. */
export function actorName(host: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the host name alone still says where.
  }
  return `${host}:${user}`;
}
