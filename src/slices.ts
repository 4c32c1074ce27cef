/**
 * Long work on the serving thread, cut into slices: a generator yields between pieces of a few
 * milliseconds at most, and `inSlices` runs it, letting the event loop answer what arrived after
 * each slice of about `sliceMs`.
 */

/**
 * Runs `steps` to its end, giving the event loop a turn about every `sliceMs`. A value a step
 * yields goes to `take`, whose wait (a write, say) is a turn too.
 */
export async function inSlices<T, V = never>(
  steps: Generator<V | undefined, T>,
  sliceMs = 2,
  take?: (value: V) => Promise<void>,
): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (step.value !== undefined && take) {
      await take(step.value as V);
      sliceStart = performance.now();
    } else if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
