import { Codec } from "./codec";

/** A procedure answered by one reply. */
export interface CallProcedure<A, R> {
  /** Discriminates the row kinds. */
  readonly kind: "call";
  /** `REMOTE_PROC_*` number. */
  readonly proc: number;
  /** The `*_args` struct, or `none`. */
  readonly args: Codec<A>;
  /** The `*_ret` struct (or its only field), or `none`. */
  readonly ret: Codec<R>;
}

/** Which way a stream's data flows: the client sends it (`upload`) or receives it (`download`). */
export type StreamDirection = "upload" | "download";

/** A procedure whose accepted call opens a data stream. */
export interface StreamProcedure<A, D extends StreamDirection = StreamDirection> {
  /** Discriminates the row kinds. */
  readonly kind: D;
  /** `REMOTE_PROC_*` number. */
  readonly proc: number;
  /** The `*_args` struct. */
  readonly args: Codec<A>;
}

/** One row of the procedure table. */
export type Procedure<A = unknown, R = unknown> = CallProcedure<A, R> | StreamProcedure<A>;

/** A row for a procedure answered by one reply. */
export function call<A, R>(proc: number, args: Codec<A>, ret: Codec<R>): CallProcedure<A, R> {
  return { kind: "call", proc, args, ret };
}

/** A row for a procedure that opens a stream the client writes into. */
export function upload<A>(proc: number, args: Codec<A>): StreamProcedure<A, "upload"> {
  return { kind: "upload", proc, args };
}

/** A row for a procedure that opens a stream the client reads from. */
export function download<A>(proc: number, args: Codec<A>): StreamProcedure<A, "download"> {
  return { kind: "download", proc, args };
}
