import type { Readable } from "node:stream";
import type { UploadStream } from "../rpc";
import { VolumeCreateFlags, VolumeDeleteFlags, VolumeResizeFlags } from "./enums/storage";
import { PoolRef, VolumeRef } from "./handles";
import type { RemoteCalls } from "./remoteCalls";
import { VolumeInfo } from "./replies";
import { FlagSet } from "./wire/codec";
import { NEED_RESULTS, NO_FLAGS } from "./wire/fixedArgs";

/** Typed calls on storage volumes. */
export class Volumes {
  /** @param calls the connection's generated procedure wrappers */
  constructor(private readonly calls: RemoteCalls) {}

  /** All volumes of a pool. */
  async listAll(pool: PoolRef): Promise<VolumeRef[]> {
    return (await this.calls.storagePoolListAllVolumes({ pool, needResults: NEED_RESULTS, flags: NO_FLAGS })).vols;
  }

  /** @throws LibvirtError with a not-found code when no such volume exists in the pool */
  lookupByName(pool: PoolRef, name: string): Promise<VolumeRef> {
    return this.calls.storageVolLookupByName({ pool, name });
  }

  /** @throws LibvirtError with a not-found code when no volume has that key */
  lookupByKey(key: string): Promise<VolumeRef> {
    return this.calls.storageVolLookupByKey({ key });
  }

  /** @throws LibvirtError with a not-found code when no volume has that path */
  lookupByPath(path: string): Promise<VolumeRef> {
    return this.calls.storageVolLookupByPath({ path });
  }

  /** Creates a volume in a pool from XML. */
  create(pool: PoolRef, xml: string, flags: FlagSet<VolumeCreateFlags> = NO_FLAGS): Promise<VolumeRef> {
    return this.calls.storageVolCreateXml({ pool, xml, flags });
  }

  /** Creates a volume as a full copy of another (which may live in another pool). */
  createFrom(pool: PoolRef, xml: string, source: VolumeRef, flags: FlagSet<VolumeCreateFlags> = NO_FLAGS): Promise<VolumeRef> {
    return this.calls.storageVolCreateXmlFrom({ pool, xml, cloneVol: source, flags });
  }

  /** Deletes the volume and its data. */
  delete(vol: VolumeRef, flags: FlagSet<VolumeDeleteFlags> = NO_FLAGS): Promise<void> {
    return this.calls.storageVolDelete({ vol, flags });
  }

  /** Overwrites the volume's data with zeros. */
  wipe(vol: VolumeRef): Promise<void> {
    return this.calls.storageVolWipe({ vol, flags: NO_FLAGS });
  }

  /** Changes the volume's capacity; growing needs no flags, shrinking needs `VolumeResizeFlags.Shrink`. */
  resize(vol: VolumeRef, capacity: bigint, flags: FlagSet<VolumeResizeFlags> = NO_FLAGS): Promise<void> {
    return this.calls.storageVolResize({ vol, capacity, flags });
  }

  /** Type, capacity and allocation. */
  info(vol: VolumeRef): Promise<VolumeInfo> {
    return this.calls.storageVolGetInfo({ vol });
  }

  /** The volume's XML. */
  xmlDesc(vol: VolumeRef): Promise<string> {
    return this.calls.storageVolGetXmlDesc({ vol, flags: NO_FLAGS });
  }

  /** The volume's path on the host. */
  path(vol: VolumeRef): Promise<string> {
    return this.calls.storageVolGetPath({ vol });
  }

  /**
   * Opens an upload into the volume. Write the data, then `finish()`.
   * @param length bytes to be sent, or 0 for "until the end of the volume"
   */
  upload(vol: VolumeRef, offset = 0n, length = 0n): Promise<UploadStream> {
    return this.calls.storageVolUpload({ vol, offset, length, flags: NO_FLAGS });
  }

  /**
   * Opens a download of the volume's data.
   * @param length bytes to read, or 0 for "to the end"
   */
  download(vol: VolumeRef, offset = 0n, length = 0n): Promise<Readable> {
    return this.calls.storageVolDownload({ vol, offset, length, flags: NO_FLAGS });
  }
}
