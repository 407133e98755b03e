import { RpcClient } from "../rpc";
import { encodeArgs, PoolRef, readNamedUuid, readString, uuidToBytes, writeNamedUuid } from "./handles";
import { RemoteProc } from "./procedures";

/** REMOTE_STORAGE_POOL_LIST_MAX. */
const POOL_LIST_MAX = 4096;

/** Pool states (`virStoragePoolState`). */
export enum PoolState {
  Inactive = 0,
  Building = 1,
  Running = 2,
  Degraded = 3,
  Inaccessible = 4,
}

/** `virStoragePoolGetInfo`. */
export interface PoolInfo {
  /** Current state. */
  state: PoolState;
  /** Total size in bytes. */
  capacity: bigint;
  /** Bytes allocated to volumes. */
  allocation: bigint;
  /** Bytes free for new volumes. */
  available: bigint;
}

/** Typed calls on storage pools. */
export class Pools {
  /** @param rpc the connection's RPC client */
  constructor(private readonly rpc: RpcClient) {}

  /** All pools, active and defined. */
  listAll(flags = 0): Promise<PoolRef[]> {
    return this.rpc.call(
      RemoteProc.ConnectListAllStoragePools,
      encodeArgs((w) => w.int(1).uint(flags)),
      (r) => {
        const pools = r.array(POOL_LIST_MAX, readNamedUuid);
        r.uint();
        return pools;
      },
    );
  }

  /** @throws LibvirtError with a not-found code when no such pool exists */
  lookupByName(name: string): Promise<PoolRef> {
    return this.rpc.call(
      RemoteProc.StoragePoolLookupByName,
      encodeArgs((w) => w.string(name)),
      readNamedUuid,
    );
  }

  /** @throws LibvirtError with a not-found code when no such pool exists */
  lookupByUuid(uuid: string): Promise<PoolRef> {
    return this.rpc.call(
      RemoteProc.StoragePoolLookupByUuid,
      encodeArgs((w) => w.fixedOpaque(uuidToBytes(uuid), 16)),
      readNamedUuid,
    );
  }

  /** Defines (or redefines) a persistent pool. */
  define(xml: string, flags = 0): Promise<PoolRef> {
    return this.rpc.call(
      RemoteProc.StoragePoolDefineXml,
      encodeArgs((w) => w.string(xml).uint(flags)),
      readNamedUuid,
    );
  }

  /** The pool's XML (flag 1 = inactive definition). */
  xmlDesc(pool: PoolRef, flags = 0): Promise<string> {
    return this.rpc.call(
      RemoteProc.StoragePoolGetXmlDesc,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.uint(flags);
      }),
      readString,
    );
  }

  /** Prepares the pool's backing storage (for a dir pool: creates the directory). */
  build(pool: PoolRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolBuild,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.uint(flags);
      }),
    );
  }

  /** Starts (activates) a defined pool. */
  start(pool: PoolRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolCreate,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.uint(flags);
      }),
    );
  }

  /** Rescans the pool's volumes. */
  refresh(pool: PoolRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolRefresh,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.uint(0);
      }),
    );
  }

  /** Stops the pool; its data stays. */
  destroy(pool: PoolRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolDestroy,
      encodeArgs((w) => writeNamedUuid(w, pool)),
    );
  }

  /** Deletes the pool's backing storage (for a dir pool: removes the empty directory). */
  delete(pool: PoolRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolDelete,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.uint(flags);
      }),
    );
  }

  /** Removes the persistent definition. */
  undefine(pool: PoolRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolUndefine,
      encodeArgs((w) => writeNamedUuid(w, pool)),
    );
  }

  /** State and sizes. */
  info(pool: PoolRef): Promise<PoolInfo> {
    return this.rpc.call(
      RemoteProc.StoragePoolGetInfo,
      encodeArgs((w) => writeNamedUuid(w, pool)),
      (r) => ({
        state: r.uint() as PoolState,
        capacity: r.uhyper(),
        allocation: r.uhyper(),
        available: r.uhyper(),
      }),
    );
  }

  /** Whether the pool is active. */
  isActive(pool: PoolRef): Promise<boolean> {
    return this.rpc.call(
      RemoteProc.StoragePoolIsActive,
      encodeArgs((w) => writeNamedUuid(w, pool)),
      (r) => r.int() !== 0,
    );
  }

  /** Whether the pool starts with the host. */
  getAutostart(pool: PoolRef): Promise<boolean> {
    return this.rpc.call(
      RemoteProc.StoragePoolGetAutostart,
      encodeArgs((w) => writeNamedUuid(w, pool)),
      (r) => r.int() !== 0,
    );
  }

  /** Sets whether the pool starts with the host. */
  setAutostart(pool: PoolRef, autostart: boolean): Promise<void> {
    return this.rpc.call(
      RemoteProc.StoragePoolSetAutostart,
      encodeArgs((w) => {
        writeNamedUuid(w, pool);
        w.bool(autostart);
      }),
    );
  }
}
