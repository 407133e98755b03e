import { SecretUsageType } from "./enums/secret";
import { Codec, enumeration, fixedOpaque, int, string, struct } from "./wire/codec";

/** Bytes of a libvirt UUID on the wire (VIR_UUID_BUFLEN). */
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

/**
 * A secret (`remote_nonnull_secret`). Secrets have no name: the usage type and
 * id name one, unique per host among secrets of that type.
 */
export interface SecretRef {
  /** UUID in canonical text form. */
  uuid: string;
  /** What the secret is for. */
  usageType: SecretUsageType;
  /** The usage id: for iSCSI, the free name in `<usage type='iscsi'><target>`. */
  usageId: string;
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

const uuidBytes = fixedOpaque(UUID_BYTES);

/** `remote_uuid`, carried as text on our side. */
export const uuid: Codec<string> = {
  write: (w, v) => uuidBytes.write(w, uuidToBytes(v)),
  read: (r) => uuidToString(uuidBytes.read(r)),
};

/** `remote_nonnull_domain`. */
export const domainRef = struct<DomainRef>({ name: string, uuid, id: int });

/** `remote_nonnull_network`. */
export const networkRef = struct<NetworkRef>({ name: string, uuid });

/** `remote_nonnull_storage_pool`. */
export const poolRef = struct<PoolRef>({ name: string, uuid });

/** `remote_nonnull_storage_vol`. */
export const volumeRef = struct<VolumeRef>({ pool: string, name: string, key: string });

/** `remote_nonnull_secret`. */
export const secretRef = struct<SecretRef>({ uuid, usageType: enumeration<SecretUsageType>(int), usageId: string });
