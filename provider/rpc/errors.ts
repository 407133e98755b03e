import { ALREADY_EXISTS_CODES, ErrorCode, NOT_FOUND_CODES } from "./errorCodes";
import { MAX_STRING_BYTES } from "./protocol";
import { XdrReader, XdrWriter } from "./xdr";

/**
 * An error reported by the libvirt daemon (`remote_error` on the wire).
 *
 * Decisions are made on {@link code}, never on message text: messages are
 * translated and change between libvirt versions.
 */
export class LibvirtError extends Error {
  /** libvirt's numeric error code (`virErrorNumber`). */
  readonly code: number;
  /** The libvirt subsystem that raised it (`virErrorDomain`). */
  readonly domain: number;
  /** 1 warning, 2 error. */
  readonly level: number;
  /** The procedure whose call failed, when known. */
  readonly proc?: number;

  /**
   * @param code libvirt error code
   * @param domain libvirt error domain
   * @param message the daemon's message
   * @param level severity
   * @param proc procedure number of the failed call
   */
  constructor(code: number, domain: number, message: string, level = 2, proc?: number) {
    super(message);
    this.name = "LibvirtError";
    this.code = code;
    this.domain = domain;
    this.level = level;
    this.proc = proc;
  }

  /** True when the named object (domain, network, pool, volume, …) does not exist. */
  isNotFound(): boolean {
    return NOT_FOUND_CODES.has(this.code);
  }

  /** True when an object with that name or UUID exists already. */
  isAlreadyExists(): boolean {
    return ALREADY_EXISTS_CODES.has(this.code);
  }

  /** True when the call is not valid in the object's current state (e.g. destroying a stopped domain). */
  isOperationInvalid(): boolean {
    return this.code === ErrorCode.OperationInvalid;
  }

  /** True when the daemon does not know the procedure or the feature (an older libvirt). */
  isUnsupported(): boolean {
    // An unknown procedure is reported as a generic RPC error: its code alone
    // cannot tell, so this one predicate also looks at the daemon's wording.
    return (
      this.code === ErrorCode.NoSupport ||
      this.code === ErrorCode.OperationUnsupported ||
      (this.code === ErrorCode.Rpc && /unknown procedure/i.test(this.message))
    );
  }
}

/**
 * Raised when the link to the daemon failed or was closed while a call was
 * waiting. It is deliberately not a {@link LibvirtError}: a dropped link says
 * nothing about whether an object exists.
 */
export class RpcLinkError extends Error {
  /**
   * Which side stopped answering, when known: the SSH `link` (lost, or silent to
   * keepalives) or the libvirt `daemon` (silent while the link still answers).
   */
  readonly side?: "link" | "daemon";

  /** @param message what happened to the link, and what to do */
  constructor(message: string, options: { cause?: unknown; side?: "link" | "daemon" } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RpcLinkError";
    if (options.side !== undefined) this.side = options.side;
  }
}

/** Raised when a reply cannot be decoded as the type the call expects. */
export class RpcProtocolError extends Error {
  /** @param message what could not be decoded */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RpcProtocolError";
  }
}

/** True when `err` is a libvirt "no such object" error. Transport errors are never "not found". */
export function isNotFoundError(err: unknown): boolean {
  return err instanceof LibvirtError && err.isNotFound();
}

/**
 * Decodes a `remote_error` payload into a {@link LibvirtError}.
 * The object-handle fields (dom, net) and extra strings are read to keep the
 * decoder honest about the layout, but only the message carries meaning for us.
 */
export function decodeRemoteError(payload: Buffer, proc?: number): LibvirtError {
  const r = new XdrReader(payload);
  const code = r.int();
  const domain = r.int();
  const message = r.optional((x) => x.string(MAX_STRING_BYTES));
  const level = r.int();
  r.optional((x) => {
    x.string(MAX_STRING_BYTES);
    x.fixedOpaque(16);
    x.int();
  });
  r.optional((x) => x.string(MAX_STRING_BYTES));
  r.optional((x) => x.string(MAX_STRING_BYTES));
  r.optional((x) => x.string(MAX_STRING_BYTES));
  r.int();
  r.int();
  r.optional((x) => {
    x.string(MAX_STRING_BYTES);
    x.fixedOpaque(16);
  });
  return new LibvirtError(code, domain, message ?? `libvirt error ${code}`, level, proc);
}

/**
 * Encodes a `remote_error` payload. Clients never send one; it exists so
 * tests can play the daemon's side with the same layout the decoder reads.
 */
export function encodeRemoteError(err: { code: number; domain: number; message?: string; level?: number }): Buffer {
  const w = new XdrWriter();
  w.int(err.code).int(err.domain);
  w.optional(err.message, (x, m) => x.string(m));
  w.int(err.level ?? 2);
  w.uint(0).uint(0).uint(0).uint(0); // dom, str1, str2, str3 absent
  w.int(0).int(0);
  w.uint(0); // net absent
  return Buffer.from(w.toBuffer());
}
