/**
 * Writes that run beside their caller, at most `limit` at once: the caller waits only when that
 * many are running. The first failure is kept and thrown to the caller's next write or settle.
 */
export class WritePool {
  readonly #inFlight = new Set<Promise<void>>();
  #failure: Error | undefined;

  constructor(private readonly limit: number) {}

  /** Throws the first failure of a write, if one failed. */
  throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  /** Runs `work` beside the others; waits only when too many are running. */
  async track(work: Promise<void>): Promise<void> {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        this.#failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    while (this.#inFlight.size >= this.limit) await Promise.race(this.#inFlight);
    this.throwIfFailed();
  }

  /** Waits for every write; throws the first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.#inFlight);
    this.throwIfFailed();
  }
}
