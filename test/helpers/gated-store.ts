import type { Session, SessionStore, StoreCallOptions } from "../../src/store/session-store.js";

/**
 * A real store whose get() waits until the test opens the gate or the call's
 * signal fires, so tests can hold a call in flight and see what the signal did.
 */
export class GatedStore implements SessionStore {
  readonly signals: AbortSignal[] = [];
  private open: () => void = () => undefined;
  private gate = new Promise<void>((resolve) => (this.open = resolve));
  private entered: () => void = () => undefined;
  /** Resolves once a get() is waiting at the gate. */
  readonly waiting = new Promise<void>((resolve) => (this.entered = resolve));

  constructor(private readonly inner: SessionStore) {}

  release(): void {
    this.open();
  }

  async get(id: string, options: StoreCallOptions): Promise<Session> {
    this.signals.push(options.signal);
    this.entered();
    await new Promise<void>((resolve, reject) => {
      options.signal.addEventListener("abort", () => reject(options.signal.reason as Error), { once: true });
      void this.gate.then(resolve);
    });
    return this.inner.get(id, options);
  }

  create: SessionStore["create"] = (s, o) => this.inner.create(s, o);
  updateStatus: SessionStore["updateStatus"] = (u, o) => this.inner.updateStatus(u, o);
  delete: SessionStore["delete"] = (id, o) => this.inner.delete(id, o);
  countByStatus: SessionStore["countByStatus"] = (s, o) => this.inner.countByStatus(s, o);
  list: SessionStore["list"] = (q, o) => this.inner.list(q, o);
  checkHealth: SessionStore["checkHealth"] = (o) => this.inner.checkHealth(o);
  close: SessionStore["close"] = () => this.inner.close();
}
