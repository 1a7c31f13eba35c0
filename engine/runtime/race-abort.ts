/**
 * Settles with `work`, unless `signal` aborts first: then rejects at once with `toError()` (the
 * signal's reason by default) and leaves `work` to finish on its own.
 * @example await raceAbort(connect(), signal, () => new Error("cancelled while connecting"))
 */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal,
  toError: () => unknown = () => signal.reason,
): Promise<T> {
  if (signal.aborted) return Promise.reject(toError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(toError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
