/**
 * Long work on the serving thread, cut into slices: a generator yields between pieces of a few
 * milliseconds at most, and `inSlices` runs it, letting the event loop answer what arrived after
 * each slice of about `sliceMs`.
 */

/** Runs `steps` to its end, giving the event loop a turn about every `sliceMs`. */
export async function inSlices<T>(steps: Generator<void, T>, sliceMs = 2): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
