import { createReadStream, statSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { IncomingMessage } from "node:http";
import type { UploadSource } from "./sources";

const MAX_REDIRECTS = 5;

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

/** Opens a local file or an http(s) URL for streaming. */
export async function openSource(source: UploadSource): Promise<OpenedSource> {
  if (source.kind === "localPath") {
    const size = BigInt(statSync(source.localPath).size);
    return withHead(createReadStream(source.localPath, { highWaterMark: 1024 * 1024 }), size);
  }
  const res = await get(source.url, MAX_REDIRECTS);
  const length = res.headers["content-length"];
  return withHead(res, length !== undefined && /^\d+$/.test(length) ? BigInt(length) : undefined);
}

/** Bytes made in memory (a cloud-init seed image), as a source. */
export function openBytes(bytes: Uint8Array): OpenedSource {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (bytes.length > 0) yield bytes;
  }
  return { size: BigInt(bytes.length), head: bytes.subarray(0, 4), chunks: chunks(), close: () => undefined };
}

async function withHead(stream: NodeJS.ReadableStream & { destroy(): void }, size: bigint | undefined): Promise<OpenedSource> {
  const it = (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (first.done) return;
    yield head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  return { size, head, chunks: chunks(), close: () => stream.destroy() };
}

function get(url: string, redirectsLeft: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : http;
    const req = client.get(url, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        res.resume();
        if (redirectsLeft === 0) return reject(new Error(`source.url ${url}: more than ${MAX_REDIRECTS} redirects`));
        const next = new URL(location, url);
        if (next.protocol !== "http:" && next.protocol !== "https:")
          return reject(new Error(`source.url ${url}: redirected to a non-http(s) address ${next.protocol}`));
        return resolve(get(next.toString(), redirectsLeft - 1));
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new Error(`source.url ${url}: the server answered ${status} ${res.statusMessage ?? ""}`.trim()));
      }
      resolve(res);
    });
    req.on("error", (err) => reject(new Error(`source.url ${url}: ${err.message}`)));
  });
}
