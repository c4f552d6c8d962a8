/** A spec that cannot be used, with what was wrong and where it came from. */
export class SpecError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SpecError";
  }
}
