import { PoolBuildFlags, PoolCreateFlags, PoolDefineFlags, PoolDeleteFlags, PoolListFlags, PoolXmlFlags } from "./enums/storage";
import { PoolRef } from "./handles";
import type { RemoteCalls } from "./remoteCalls";
import { PoolInfo } from "./replies";
import { FlagSet } from "./wire/codec";
import { NEED_RESULTS, NO_FLAGS } from "./wire/fixedArgs";

/** Typed calls on storage pools. */
export class Pools {
  /** @param calls the connection's generated procedure wrappers */
  constructor(private readonly calls: RemoteCalls) {}

  /** All pools, active and defined, or those the filter flags select. */
  async listAll(flags: FlagSet<PoolListFlags> = NO_FLAGS): Promise<PoolRef[]> {
    return (await this.calls.connectListAllStoragePools({ needResults: NEED_RESULTS, flags })).pools;
  }

  /** @throws LibvirtError with a not-found code when no such pool exists */
  lookupByName(name: string): Promise<PoolRef> {
    return this.calls.storagePoolLookupByName({ name });
  }

  /** @throws LibvirtError with a not-found code when no such pool exists */
  lookupByUuid(uuid: string): Promise<PoolRef> {
    return this.calls.storagePoolLookupByUuid({ uuid });
  }

  /** Defines (or redefines) a persistent pool. */
  define(xml: string, flags: FlagSet<PoolDefineFlags> = NO_FLAGS): Promise<PoolRef> {
    return this.calls.storagePoolDefineXml({ xml, flags });
  }

  /** The pool's XML; `PoolXmlFlags.Inactive` for the persistent definition. */
  xmlDesc(pool: PoolRef, flags: FlagSet<PoolXmlFlags> = NO_FLAGS): Promise<string> {
    return this.calls.storagePoolGetXmlDesc({ pool, flags });
  }

  /** Prepares the pool's backing storage (for a dir pool: creates the directory). */
  build(pool: PoolRef, flags: FlagSet<PoolBuildFlags> = NO_FLAGS): Promise<void> {
    return this.calls.storagePoolBuild({ pool, flags });
  }

  /** Starts (activates) a defined pool. */
  start(pool: PoolRef, flags: FlagSet<PoolCreateFlags> = NO_FLAGS): Promise<void> {
    return this.calls.storagePoolCreate({ pool, flags });
  }

  /** Rescans the pool's volumes. */
  refresh(pool: PoolRef): Promise<void> {
    return this.calls.storagePoolRefresh({ pool, flags: NO_FLAGS });
  }

  /** Stops the pool; its data stays. */
  destroy(pool: PoolRef): Promise<void> {
    return this.calls.storagePoolDestroy({ pool });
  }

  /** Deletes the pool's backing storage (for a dir pool: removes the empty directory). */
  delete(pool: PoolRef, flags: FlagSet<PoolDeleteFlags> = NO_FLAGS): Promise<void> {
    return this.calls.storagePoolDelete({ pool, flags });
  }

  /** Removes the persistent definition. */
  undefine(pool: PoolRef): Promise<void> {
    return this.calls.storagePoolUndefine({ pool });
  }

  /** State and sizes. */
  info(pool: PoolRef): Promise<PoolInfo> {
    return this.calls.storagePoolGetInfo({ pool });
  }

  /** Whether the pool is active. */
  isActive(pool: PoolRef): Promise<boolean> {
    return this.calls.storagePoolIsActive({ pool });
  }

  /** Whether the pool starts with the host. */
  getAutostart(pool: PoolRef): Promise<boolean> {
    return this.calls.storagePoolGetAutostart({ pool });
  }

  /** Sets whether the pool starts with the host. */
  setAutostart(pool: PoolRef, autostart: boolean): Promise<void> {
    return this.calls.storagePoolSetAutostart({ pool, autostart });
  }
}
