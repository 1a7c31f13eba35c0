/**
 * A tool call's own abort signal for the SDK's Client, following the caller's signal.
 *
 * A call cannot hand the caller's signal to the SDK: `Protocol.request` adds an abort listener to
 * it and never removes it, so a run's signal shared by many calls would collect one per call, and
 * aborting it later would send `notifications/cancelled` for calls long finished. A per-call
 * AbortController avoids that, but on Node 20 it cost about 20 µs of this process's CPU per call
 * (measured against an in-process fake server: making the signal, adding and removing a listener
 * on the caller's, and the garbage collector's work on them), more than the call's own JSON-RPC.
 *
 * So a call gets a CallSignal: a plain object with what `Protocol.request` (SDK 1.x) reads of a
 * request's signal, `aborted`, `reason`, `throwIfAborted()` and `addEventListener("abort")`, and
 * nothing else. It is not an AbortSignal: pass it only to the SDK Client's requests (fetch and
 * `AbortSignal.any` refuse it); pool.test.ts cancels a call through it, so an SDK that starts
 * reading more of the signal fails there. The caller's signal gets one listener however many calls
 * use it (`followers`): it aborts the calls in flight when it fires, and a finished call only
 * leaves its set.
 */

type Listener = () => void;

export class CallSignal {
  aborted = false;
  reason: unknown = undefined;
  /** The SDK adds one listener per request; more go to `others`. */
  private listener: Listener | null = null;
  private others: Listener[] | null = null;

  constructor(private readonly calls: Set<CallSignal>) {}

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  addEventListener(type: string, listener: Listener): void {
    if (type !== "abort") return;
    if (!this.listener) this.listener = listener;
    else (this.others ??= []).push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type !== "abort") return;
    if (this.listener === listener) this.listener = null;
    else if (this.others) this.others = this.others.filter((other) => other !== listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listener = this.listener;
    const others = this.others;
    this.listener = null;
    this.others = null;
    listener?.();
    if (others) for (const other of others) other();
  }

  /** The call has ended: the caller's signal no longer reaches it. */
  release(): void {
    this.calls.delete(this);
  }
}

/** The calls in flight per caller signal; the signal's one listener aborts them. */
const followers = new WeakMap<AbortSignal, Set<CallSignal>>();

/** A call's signal that aborts when `parent` does, until released. */
export function followSignal(parent: AbortSignal): CallSignal {
  let calls = followers.get(parent);
  if (!calls) {
    const inFlight = new Set<CallSignal>();
    calls = inFlight;
    followers.set(parent, inFlight);
    parent.addEventListener(
      "abort",
      () => {
        for (const call of inFlight) call.abort(parent.reason);
        inFlight.clear();
      },
      { once: true },
    );
  }
  const call = new CallSignal(calls);
  if (parent.aborted) call.abort(parent.reason);
  else calls.add(call);
  return call;
}
