import { EXIT } from '../errors';
import type { CliIO } from '../io';
import { openWorkspace } from '../workspace';

export async function statsCommand(flags: { workspace?: string; json?: boolean }, io: CliIO): Promise<number> {
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore();
  const stats = await store.stats();
  if (flags.json) {
    io.out(JSON.stringify(stats, null, 2));
    return EXIT.ok;
  }
  io.out(formatStats(stats as unknown as Record<string, unknown>));
  return EXIT.ok;
}

/** Statistics as indented `key: value` lines, whatever their shape, so new figures show up without a change here. */
export function formatStats(value: Record<string, unknown>, indent = ''): string {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const label = key.replace(/([A-Z])/g, ' $1').toLowerCase();
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      lines.push(`${indent}${label}:`);
      lines.push(formatStats(v as Record<string, unknown>, indent + '  '));
    } else {
      lines.push(`${indent}${label}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : Array.isArray(v) ? v.join(', ') : String(v)}`);
    }
  }
  return lines.filter(Boolean).join('\n');
}
