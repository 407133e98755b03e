import { Duplex } from "node:stream";

/**
 * Two connected in-memory duplex streams: what one writes, the other reads;
 * destroying one closes the other, as a dropped connection would.
 * Stands in for an SSH channel in unit tests of the RPC layer.
 */
export function duplexPair(options: { highWaterMark?: number } = {}): [Duplex, Duplex] {
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      highWaterMark: options.highWaterMark,
      read() {
        // Data is pushed by the peer's write.
      },
      write(chunk: Buffer, _enc, callback) {
        peer().push(chunk);
        // Complete asynchronously so the writable side can fill up and
        // exercise the writer's backpressure handling.
        setImmediate(callback);
      },
      final(callback) {
        peer().push(null);
        callback();
      },
      destroy(err, callback) {
        if (!peer().destroyed) peer().destroy();
        callback(err);
      },
    });
  // Each side finds its peer only when data flows, after both exist.
  const left: Duplex = make(() => right);
  const right: Duplex = make(() => left);
  return [left, right];
}
