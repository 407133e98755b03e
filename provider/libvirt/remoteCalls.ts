import type { Readable } from "node:stream";
import { openDownload, RpcClient, UploadStream, XdrWriter } from "../rpc";
import { ProcedureName, PROCEDURES } from "./procedures";
import { Codec } from "./wire/codec";
import { CallProcedure, Procedure, StreamProcedure } from "./wire/procedure";

/** The typed wrapper of one table row: its args struct in, its decoded reply (or the opened stream) out. */
export type Wrapper<P> =
  P extends CallProcedure<infer A, infer R>
    ? (args: A) => Promise<R>
    : P extends StreamProcedure<infer A, "upload">
      ? (args: A) => Promise<UploadStream>
      : P extends StreamProcedure<infer A, "download">
        ? (args: A) => Promise<Readable>
        : never;

/**
 * One typed wrapper per row of {@link PROCEDURES}, named like the row:
 * `calls.domainGetXmlDesc({ dom, flags })` sends REMOTE_PROC_DOMAIN_GET_XML_DESC.
 * Procedures without arguments take none.
 */
export type RemoteCalls = { readonly [K in ProcedureName]: Wrapper<(typeof PROCEDURES)[K]> };

/** Generates the wrappers of every row of the procedure table, bound to one RPC client. */
export function remoteCalls(rpc: RpcClient): RemoteCalls {
  const wrappers = Object.entries(PROCEDURES).map(([name, procedure]) => [name, wrapperOf(rpc, procedure)]);
  // Each wrapper is built from its own row, so it has the type RemoteCalls gives that row.
  return Object.fromEntries(wrappers) as RemoteCalls;
}

// Async, so that arguments the encoder refuses (a value over its bound) reject the
// call's promise like any other failure instead of throwing at the caller.
function wrapperOf(rpc: RpcClient, p: Procedure): (args: unknown) => Promise<unknown> {
  switch (p.kind) {
    case "call":
      return async (args) => rpc.call(p.proc, encode(p.args, args), (r) => p.ret.read(r));
    case "upload":
      return async (args) => UploadStream.open(rpc, p.proc, encode(p.args, args));
    case "download":
      return async (args) => openDownload(rpc, p.proc, encode(p.args, args));
  }
}

function encode<A>(codec: Codec<A>, args: A): Buffer {
  const w = new XdrWriter();
  codec.write(w, args);
  return w.toBuffer();
}
