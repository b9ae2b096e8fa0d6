export type Engine = typeof import('./engine.js');

let engine: Promise<Engine> | undefined;

/** The heavy half of the extension (see engine.ts), loaded once, on first use. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('./engine.js');
  // A failed load is not cached, so the next command tries again and reports its own error.
  engine.catch(() => (engine = undefined));
  return engine;
}

/** The engine if it was already loaded, without loading it: for work only worth doing once a run has happened. */
export async function loadedEngine(): Promise<Engine | undefined> {
  return engine ? engine.catch(() => undefined) : undefined;
}
