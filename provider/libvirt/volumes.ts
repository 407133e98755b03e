import type { Readable } from "node:stream";
import { openDownload, RpcClient, UploadStream } from "../rpc";
import { encodeArgs, PoolRef, readString, readVolume, VolumeRef, writeNamedUuid, writeVolume } from "./handles";
import { RemoteProc } from "./procedures";

/** REMOTE_STORAGE_VOL_LIST_MAX. */
const VOLUME_LIST_MAX = 16384;

/** Volume types (`virStorageVolType`). */
export enum VolumeType {
  File = 0,
  Block = 1,
  Dir = 2,
  Network = 3,
  NetDir = 4,
  Ploop = 5,
}

/** Flags of `virStorageVolResize`. */
export enum VolumeResizeFlags {
  Allocate = 1,
  Delta = 2,
  Shrink = 4,
}

/** `virStorageVolGetInfo`. */
export interface VolumeInfo {
  /** Kind of storage. */
  type: VolumeType;
  /** Logical size in bytes. */
  capacity: bigint;
  /** Bytes actually allocated on the host. */
  allocation: bigint;
}

/** Typed calls on storage volumes. */
export class Volumes {
  /** @param rpc the connection's RPC client */
  constructor(private readonly rpc: RpcClient) {}

  /** All volumes of a pool. */
  listAll(pool: PoolRef): Promise<VolumeRef[]> {
    return this.rpc.call(
      RemoteProc.StoragePoolListAllVolumes,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.int(1).uint(0);
      }),
      (r) => {
        const vols = r.array(VOLUME_LIST_MAX, readVolume);
        r.uint();
        return vols;
      },
    );
  }

  /** @throws LibvirtError with a not-found code when no such volume exists in the pool */
  lookupByName(pool: PoolRef, name: string): Promise<VolumeRef> {
    return this.rpc.call(
      RemoteProc.StorageVolLookupByName,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.string(name);
      }),
      readVolume,
    );
  }

  /** @throws LibvirtError with a not-found code when no volume has that key */
  lookupByKey(key: string): Promise<VolumeRef> {
    return this.rpc.call(
      RemoteProc.StorageVolLookupByKey,
      encodeArgs((w) => w.string(key)),
      readVolume,
    );
  }

  /** @throws LibvirtError with a not-found code when no volume has that path */
  lookupByPath(path: string): Promise<VolumeRef> {
    return this.rpc.call(
      RemoteProc.StorageVolLookupByPath,
      encodeArgs((w) => w.string(path)),
      readVolume,
    );
  }

  /** Creates a volume in a pool from XML. */
  create(pool: PoolRef, xml: string, flags = 0): Promise<VolumeRef> {
    return this.rpc.call(
      RemoteProc.StorageVolCreateXml,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.string(xml).uint(flags);
      }),
      readVolume,
    );
  }

  /** Creates a volume as a full copy of another (which may live in another pool). */
  createFrom(pool: PoolRef, xml: string, source: VolumeRef, flags = 0): Promise<VolumeRef> {
    return this.rpc.call(
      RemoteProc.StorageVolCreateXmlFrom,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.string(xml);
        writeVolume(w, source);
        w.uint(flags);
      }),
      readVolume,
    );
  }

  /** Deletes the volume and its data. */
  delete(vol: VolumeRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.StorageVolDelete,
      encodeArgs((w) => {
        writeVolume(w, vol);
        w.uint(flags);
      }),
    );
  }

  /** Overwrites the volume's data with zeros. */
  wipe(vol: VolumeRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.StorageVolWipe,
      encodeArgs((w) => {
        writeVolume(w, vol);
        w.uint(0);
      }),
    );
  }

  /** Changes the volume's capacity; growing needs no flags, shrinking needs `VolumeResizeFlags.Shrink`. */
  resize(vol: VolumeRef, capacity: bigint, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.StorageVolResize,
      encodeArgs((w) => {
        writeVolume(w, vol);
        w.uhyper(capacity).uint(flags);
      }),
    );
  }

  /** Type, capacity and allocation. */
  info(vol: VolumeRef): Promise<VolumeInfo> {
    return this.rpc.call(
      RemoteProc.StorageVolGetInfo,
      encodeArgs((w) => writeVolume(w, vol)),
      (r) => ({
        type: r.int() as VolumeType,
        capacity: r.uhyper(),
        allocation: r.uhyper(),
      }),
    );
  }

  /** The volume's XML. */
  xmlDesc(vol: VolumeRef): Promise<string> {
    return this.rpc.call(
      RemoteProc.StorageVolGetXmlDesc,
      encodeArgs((w) => {
        writeVolume(w, vol);
        w.uint(0);
      }),
      readString,
    );
  }

  /** The volume's path on the host. */
  path(vol: VolumeRef): Promise<string> {
    return this.rpc.call(
      RemoteProc.StorageVolGetPath,
      encodeArgs((w) => writeVolume(w, vol)),
      readString,
    );
  }

  /**
   * Opens an upload into the volume. Write the data, then `finish()`.
   * @param length bytes to be sent, or 0 for "until the end of the volume"
   */
  upload(vol: VolumeRef, offset = 0n, length = 0n): Promise<UploadStream> {
    return UploadStream.open(
      this.rpc,
      RemoteProc.StorageVolUpload,
      encodeArgs((w) => {
        writeVolume(w, vol);
        w.uhyper(offset).uhyper(length).uint(0);
      }),
    );
  }

  /**
   * Opens a download of the volume's data.
   * @param length bytes to read, or 0 for "to the end"
   */
  download(vol: VolumeRef, offset = 0n, length = 0n): Promise<Readable> {
    return openDownload(
      this.rpc,
      RemoteProc.StorageVolDownload,
      encodeArgs((w) => {
        writeVolume(w, vol);
        w.uhyper(offset).uhyper(length).uint(0);
      }),
    );
  }
}
