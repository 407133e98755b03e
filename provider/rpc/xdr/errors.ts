/**
 * Raised when XDR data cannot be decoded: too short, a length over its limit,
 * or bytes left over. A decoder error means the peer and we disagree about the
 * wire format, so callers treat it as fatal for the link, never as a value.
 */
export class XdrError extends Error {
  /** @param message what was being decoded and what went wrong */
  constructor(message: string) {
    super(message);
    this.name = "XdrError";
  }
}
