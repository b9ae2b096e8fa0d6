/**
 * An AbortSignal that another thread can abort while this one is busy. A cancel message sent to a
 * worker thread waits for its event loop, and synchronous work (a TypeScript check) holds that loop
 * for hundreds of milliseconds; an Int32Array over a SharedArrayBuffer is read with Atomics at
 * once. The signal's `aborted` looks at the flag each time it is read, so every check the engine
 * already makes (`signal.aborted`, the TypeScript cancellation token) sees a cancel the moment the
 * other thread raises the flag; the first read that sees it also aborts the controller, so abort
 * listeners and later checks agree.
 */

/** Index of the flag in its Int32Array: 0 running, 1 cancelled. */
const SLOT = 0;

/** A flag for one run, shared between the thread that cancels and the one that works. */
export function newAbortFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Raises the flag: from now on the signal tied to it reads as aborted, on any thread. */
export function raiseAbortFlag(flag: Int32Array): void {
  Atomics.store(flag, SLOT, 1);
}

export function isAbortFlagRaised(flag: Int32Array): boolean {
  return Atomics.load(flag, SLOT) !== 0;
}

const abortedOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;

/**
 * A controller whose signal also reads as aborted once `flag` is raised (by any thread). Aborting
 * the controller the ordinary way (a cancel message) works too.
 */
export function flagAbortController(flag: Int32Array): AbortController {
  const controller = new AbortController();
  const signal = controller.signal;
  const own = (): boolean => (abortedOf ? abortedOf.call(signal) === true : false);
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    enumerable: true,
    get(): boolean {
      if (!own() && isAbortFlagRaised(flag)) controller.abort();
      return own();
    },
  });
  return controller;
}
