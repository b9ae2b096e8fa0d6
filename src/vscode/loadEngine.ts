export type Engine = typeof import('./engine.js');
export type Runner = Awaited<ReturnType<Engine['loadRunner']>>;

let engine: Promise<Engine> | undefined;
let runner: Promise<Runner> | undefined;

/** The heavy half of the extension (see engine.ts), loaded once, on first use. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('./engine.js');
  // A failed load is not cached, so the next command tries again and reports its own error.
  engine.catch(() => (engine = undefined));
  return engine;
}

/** The part a run needs (the loop, TypeScript, tree-sitter, the model clients), loaded once, on first use. */
export function loadRunner(): Promise<Runner> {
  runner ??= loadEngine().then((e) => e.loadRunner());
  runner.catch(() => (runner = undefined));
  return runner;
}

/** The runner if something already loaded it, without loading it: for work only worth doing once a run has happened. */
export async function loadedRunner(): Promise<Runner | undefined> {
  return runner ? runner.catch(() => undefined) : undefined;
}
