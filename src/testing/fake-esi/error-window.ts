/**
 * ESI's error limit as the fake plays it: a fixed window (60 s by default) allowing `limit` errors (4xx and 5xx,
 * but not 420 or 429 themselves); once spent, every request is answered 420 until the window ends.
 */
export class ErrorWindow {
  #started = 0;
  #errors = 0;

  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  #roll(now: number): void {
    if (now - this.#started >= this.windowMs) {
      this.#started = now;
      this.#errors = 0;
    }
  }

  blocked(now: number): boolean {
    this.#roll(now);
    return this.#errors >= this.limit;
  }

  record(status: number, now: number): void {
    this.#roll(now);
    if (status >= 400 && status !== 420 && status !== 429) this.#errors++;
  }

  headers(now: number): Record<string, string> {
    this.#roll(now);
    const resetMs = this.#started + this.windowMs - now;
    return {
      "X-ESI-Error-Limit-Remain": String(Math.max(0, this.limit - this.#errors)),
      "X-ESI-Error-Limit-Reset": String(Math.max(0, Math.ceil(resetMs / 1000))),
    };
  }

  reset(): void {
    this.#started = 0;
    this.#errors = 0;
  }
}
