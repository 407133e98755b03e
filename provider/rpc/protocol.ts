/**
 * Constants of libvirt's RPC wire protocol (virnetprotocol.x) that the client
 * needs. Values are fixed by the protocol and never change between versions.
 */

/** Program number of libvirt's main remote protocol (REMOTE_PROGRAM). */
export const REMOTE_PROGRAM = 0x20008086;
/** Version of the remote protocol (REMOTE_PROTOCOL_VERSION). */
export const REMOTE_PROTOCOL_VERSION = 1;
/** Program number of the keepalive protocol ("keep" in ASCII). */
export const KEEPALIVE_PROGRAM = 0x6b656570;
/** Version of the keepalive protocol. */
export const KEEPALIVE_PROTOCOL_VERSION = 1;
/** Keepalive procedures. */
export enum KeepaliveProc {
  Ping = 1,
  Pong = 2,
}

/** Packet type (`virNetMessageType`). */
export enum PacketType {
  Call = 0,
  Reply = 1,
  Message = 2,
  Stream = 3,
  CallWithFds = 4,
  ReplyWithFds = 5,
  StreamHole = 6,
}

/** Packet status (`virNetMessageStatus`). */
export enum PacketStatus {
  Ok = 0,
  Error = 1,
  Continue = 2,
}

/** Bytes of the length word that starts every packet. */
export const LENGTH_BYTES = 4;
/** Bytes of the six header words after the length. */
export const HEADER_BYTES = 24;
/** Largest packet current daemons accept or send (VIR_NET_MESSAGE_MAX, 32 MiB). */
export const MAX_PACKET_BYTES = 32 * 1024 * 1024;
/**
 * Largest stream data payload we send: the legacy payload limit, which every
 * daemon version accepts (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX).
 */
export const MAX_STREAM_CHUNK_BYTES = 262120;
/**
 * Bytes an SSH channel carries per SSH packet: OpenSSH's sshd accepts at most 32 KiB on a
 * session channel, and ssh2 cuts each write to the channel into packets of that size, the
 * write's last few bytes into a small packet of their own.
 */
export const SSH_CHANNEL_PACKET_BYTES = 32 * 1024;
/**
 * Stream data we put in one packet: as much as makes the whole packet 256 KiB, within
 * {@link MAX_STREAM_CHUNK_BYTES} and a whole number of SSH packets, so that no data packet
 * drags a few-byte SSH packet (its padding, encryption and socket write) behind it.
 */
export const STREAM_CHUNK_BYTES = 8 * SSH_CHANNEL_PACKET_BYTES - LENGTH_BYTES - HEADER_BYTES;
/**
 * Stream data copied in behind a packet's header: the rest of the first SSH packet. The data
 * after it is written as the caller's bytes, uncopied ({@link encodePacketParts}).
 */
export const STREAM_INLINE_BYTES = SSH_CHANNEL_PACKET_BYTES - LENGTH_BYTES - HEADER_BYTES;
/** Longest string the protocol carries (REMOTE_STRING_MAX). */
export const MAX_STRING_BYTES = 4 * 1024 * 1024;
