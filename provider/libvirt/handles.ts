import { MAX_STRING_BYTES, XdrReader, XdrWriter } from "../rpc";

/** Bytes of a libvirt UUID on the wire. */
const UUID_BYTES = 16;

/** A domain as libvirt names it on the wire (`remote_nonnull_domain`). */
export interface DomainRef {
  /** Domain name, unique per host. */
  name: string;
  /** UUID in canonical text form (8-4-4-4-12 lower-case hex). */
  uuid: string;
  /** Running id, or -1 while the domain is shut off. */
  id: number;
}

/** A virtual network (`remote_nonnull_network`). */
export interface NetworkRef {
  /** Network name. */
  name: string;
  /** UUID in canonical text form. */
  uuid: string;
}

/** A storage pool (`remote_nonnull_storage_pool`). */
export interface PoolRef {
  /** Pool name. */
  name: string;
  /** UUID in canonical text form. */
  uuid: string;
}

/** A storage volume (`remote_nonnull_storage_vol`). */
export interface VolumeRef {
  /** Name of the pool holding the volume. */
  pool: string;
  /** Volume name, unique within its pool. */
  name: string;
  /** Host-wide unique key (for file volumes, the path). */
  key: string;
}

/** Formats 16 UUID bytes as canonical text. */
export function uuidToString(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Parses a UUID in text form (with or without dashes) into 16 bytes.
 * @throws Error when the text is not a UUID
 */
export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${JSON.stringify(uuid)}`);
  return Buffer.from(hex, "hex");
}

/** Writes a `remote_nonnull_domain`. */
export function writeDomain(w: XdrWriter, d: DomainRef): void {
  w.string(d.name).fixedOpaque(uuidToBytes(d.uuid), UUID_BYTES).int(d.id);
}

/** Reads a `remote_nonnull_domain`. */
export function readDomain(r: XdrReader): DomainRef {
  return { name: r.string(MAX_STRING_BYTES), uuid: uuidToString(r.fixedOpaque(UUID_BYTES)), id: r.int() };
}

/** Writes a `remote_nonnull_network` (or pool: the layout is the same). */
export function writeNamedUuid(w: XdrWriter, n: NetworkRef | PoolRef): void {
  w.string(n.name).fixedOpaque(uuidToBytes(n.uuid), UUID_BYTES);
}

/** Reads a `remote_nonnull_network` or `remote_nonnull_storage_pool`. */
export function readNamedUuid(r: XdrReader): NetworkRef & PoolRef {
  return { name: r.string(MAX_STRING_BYTES), uuid: uuidToString(r.fixedOpaque(UUID_BYTES)) };
}

/** Writes a `remote_nonnull_storage_vol`. */
export function writeVolume(w: XdrWriter, v: VolumeRef): void {
  w.string(v.pool).string(v.name).string(v.key);
}

/** Reads a `remote_nonnull_storage_vol`. */
export function readVolume(r: XdrReader): VolumeRef {
  return { pool: r.string(MAX_STRING_BYTES), name: r.string(MAX_STRING_BYTES), key: r.string(MAX_STRING_BYTES) };
}

/** Reads a `remote_nonnull_string`. */
export function readString(r: XdrReader): string {
  return r.string(MAX_STRING_BYTES);
}

/** Reads a `remote_string` (optional). */
export function readOptionalString(r: XdrReader): string | undefined {
  return r.optional(readString);
}

/** Encodes call arguments with one chain of writer calls. */
export function encodeArgs(build: (w: XdrWriter) => void): Buffer {
  const w = new XdrWriter();
  build(w);
  return w.toBuffer();
}
