import { createReadStream, statSync } from "node:fs";
import { fetchUrl } from "./fetchUrl";
import { ProxyEnv, redactUrl } from "./proxy";
import type { UploadSource } from "./sources";

/** An opened source: its size when known and its bytes, the first chunk already read. */
export interface OpenedSource {
  /** Byte count, when the file or server told it. */
  size?: bigint;
  /** The first chunk (empty for an empty source), read before any volume exists so a format mismatch writes nothing. */
  head: Uint8Array;
  /** Every chunk, the head included. */
  chunks: AsyncIterable<Uint8Array>;
  /** Releases the file or connection when the bytes are not wanted after all. */
  close(): void;
}

/**
 * Opens a local file or an http(s) URL for streaming. A URL is fetched
 * through the proxy the environment names (see `proxy.ts`), and fails when
 * it does not answer, or its body stops coming, for `timeoutSeconds`.
 * @param env where the proxy settings are read (the provider's environment by default)
 */
export async function openSource(source: UploadSource, env: ProxyEnv = process.env): Promise<OpenedSource> {
  if (source.kind === "localPath") {
    const size = BigInt(statSync(source.localPath).size);
    return withHead(createReadStream(source.localPath, { highWaterMark: 1024 * 1024 }), size);
  }
  const timeoutMs = source.timeoutSeconds * 1000;
  const res = await fetchUrl(source.url, { timeoutMs, env });
  const length = res.headers["content-length"];
  const idle = { ms: timeoutMs, message: `source.url ${redactUrl(source.url)}: no data for ${source.timeoutSeconds} s` };
  return withHead(res, length !== undefined && /^\d+$/.test(length) ? BigInt(length) : undefined, idle);
}

/** Bytes made in memory (a cloud-init seed image), as a source. */
export function openBytes(bytes: Uint8Array): OpenedSource {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (bytes.length > 0) yield bytes;
  }
  return { size: BigInt(bytes.length), head: bytes.subarray(0, 4), chunks: chunks(), close: () => undefined };
}

/** How long a stream may keep a reader waiting, and what to say when it did. */
interface IdleLimit {
  ms: number;
  message: string;
}

async function withHead(
  stream: NodeJS.ReadableStream & { destroy(): void },
  size: bigint | undefined,
  idle?: IdleLimit,
): Promise<OpenedSource> {
  const it = (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const next = (): Promise<IteratorResult<Uint8Array>> => (idle ? within(it, idle, stream) : it.next());
  const first = await next();
  const head = first.done ? new Uint8Array(0) : first.value;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (first.done) return;
    yield head;
    for (let chunk = await next(); !chunk.done; chunk = await next()) yield chunk.value;
  }
  return { size, head, chunks: chunks(), close: () => stream.destroy() };
}

/**
 * The stream's next chunk, or a failure when none comes within the limit.
 * Only the wait for data is timed, not the time the reader spends with a
 * chunk: a slow upload to the host must not count as a stalled server.
 */
async function within(it: AsyncIterator<Uint8Array>, idle: IdleLimit, stream: { destroy(): void }): Promise<IteratorResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(idle.message));
    }, idle.ms);
  });
  try {
    return await Promise.race([it.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}
