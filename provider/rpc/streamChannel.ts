import { Packet } from "./packet";

/**
 * What a stream needs from the client: a way to send stream packets under
 * its serial, with the link's backpressure honoured, and to let go of the
 * serial when done. Keeps the stream classes free of link details.
 */
export interface StreamChannel {
  /** Procedure number that opened the stream (stream packets repeat it). */
  readonly proc: number;
  /** Serial of the call that opened the stream. */
  readonly serial: number;
  /** Sends one stream packet; resolves once the link can take more. The link may keep `payload` uncopied. */
  send(status: number, payload?: Uint8Array): Promise<void>;
  /** Pauses or resumes reading from the link (download backpressure). */
  setReading(reading: boolean): void;
  /** Stops routing this serial's packets to the stream. */
  release(): void;
}

/** What the client delivers to a stream. */
export interface StreamPacketHandler {
  /** A STREAM packet with this stream's serial arrived. */
  onPacket(packet: Packet): void;
  /** The link failed: the stream can never complete. */
  onLinkError(err: Error): void;
}
