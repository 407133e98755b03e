import { LibvirtConnection, PoolRef, PoolXmlFlags } from "../../libvirt";
import { asLibvirtStoresPath, buildPoolXml, comparePool, parsePoolXml, Pool } from "../../xml";
import { ignoringGone, unlessGone } from "../common/gone";
import type { ConnectionSpec } from "../common/connection";
import { randomUUID } from "node:crypto";
import { createTransactionally } from "../common/transaction";
import type { Drift, KindDefinition, LiveObject, SpecBase } from "../common/kindDefinition";
import { checkAbsolutePath, checkBoolean, checkEnum, checkName, Problems } from "../common/problems";
import { progress } from "../common/progress";

/** Pool types this resource creates. */
export const POOL_TYPES = ["dir"] as const;

/** Validated pool inputs. */
export interface PoolSpec extends SpecBase {
  name: string;
  type: (typeof POOL_TYPES)[number];
  path: string;
  autostart: boolean;
  forceDestroy: boolean;
}

/** What the host reports about a pool. */
export interface PoolLive {
  ref: PoolRef;
  definition: Pool;
  active: boolean;
  autostart: boolean;
  capacity: bigint;
  available: bigint;
}

function lookup(conn: LibvirtConnection, uuid: string): Promise<PoolRef | undefined> {
  return unlessGone(conn.pools.lookupByUuid(uuid));
}

async function readPool(conn: LibvirtConnection, ref: PoolRef): Promise<LiveObject<PoolLive>> {
  const [xml, active, autostart, info] = await Promise.all([
    conn.pools.xmlDesc(ref, PoolXmlFlags.Inactive),
    conn.pools.isActive(ref),
    conn.pools.getAutostart(ref),
    conn.pools.info(ref),
  ]);
  return {
    id: ref.uuid,
    state: { ref, definition: parsePoolXml(xml), active, autostart, capacity: info.capacity, available: info.available },
  };
}

async function bringUp(conn: LibvirtConnection, ref: PoolRef, spec: PoolSpec, live?: PoolLive): Promise<void> {
  if (!live?.active) {
    // Building a dir pool creates its directory; an existing one is kept.
    await conn.pools.build(ref);
    await conn.pools.start(ref);
  }
  if (live?.autostart !== spec.autostart) await conn.pools.setAutostart(ref, spec.autostart);
}

/** The StoragePool kind. */
export const poolKind: KindDefinition<PoolSpec, PoolLive> = {
  kind: "StoragePool",

  parse(inputs, connection: ConnectionSpec) {
    const problems = new Problems();
    checkName(problems, "name", inputs.name);
    const type = inputs.type ?? "dir";
    checkEnum(problems, "type", type, POOL_TYPES);
    checkAbsolutePath(problems, "path", inputs.path);
    checkBoolean(problems, "autostart", inputs.autostart);
    checkBoolean(problems, "forceDestroy", inputs.forceDestroy);
    if (problems.all.length > 0) return { problems: [...problems.all] };
    return {
      problems: [],
      spec: {
        connection,
        name: inputs.name as string,
        type: type as PoolSpec["type"],
        // In libvirt's spelling (the rule table's): `/srv/images/` is no reason to replace the pool.
        path: asLibvirtStoresPath(inputs.path as string),
        autostart: (inputs.autostart as boolean | undefined) ?? true,
        forceDestroy: (inputs.forceDestroy as boolean | undefined) ?? false,
      },
    };
  },

  replaceOn(olds, news) {
    return (["name", "type", "path"] as const).filter((k) => olds[k] !== news[k]);
  },

  async read(conn, id) {
    const ref = await lookup(conn, id);
    return ref ? readPool(conn, ref) : undefined;
  },

  drift(spec, live): Drift[] {
    // The definition as `create` writes it, against the host's, through the rule table (which knows libvirt's path spelling).
    const declared: Pool = { type: spec.type, name: spec.name, target: { path: spec.path } };
    const host = live.definition;
    // `target` or `target.path` (a host without a target reports the whole element missing) is the `path` input.
    const out: Drift[] = comparePool(declared, host).map((d) =>
      d.path.startsWith("target")
        ? { property: "path", detail: `is ${host.target?.path ?? "unset"} on the host` }
        : { property: d.path, detail: `is ${d.live ?? "unset"} on the host` },
    );
    if (!live.active) out.push({ property: "active", detail: "the pool is stopped on the host" });
    if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
    return out;
  },

  create: (conn, spec, id) =>
    createTransactionally("pool", spec.name, id ?? randomUUID(), async (uuid) => {
      progress("StoragePool", spec.name, "defining");
      const ref = await conn.pools.define(buildPoolXml({ type: spec.type, name: spec.name, uuid, target: { path: spec.path } }));
      return {
        run: async () => {
          await bringUp(conn, ref, spec);
          return readPool(conn, ref);
        },
        undo: async () => {
          if (await conn.pools.isActive(ref)) await conn.pools.destroy(ref);
          await conn.pools.undefine(ref);
        },
      };
    }),

  async update(conn, _id, _olds, spec, live) {
    await bringUp(conn, live.ref, spec, live);
    return readPool(conn, live.ref);
  },

  async remove(conn, id, spec) {
    const ref = await lookup(conn, id);
    if (!ref) return;
    if (await conn.pools.isActive(ref)) {
      await conn.pools.refresh(ref);
      const volumes = await conn.volumes.listAll(ref);
      if (volumes.length > 0 && !spec.forceDestroy) {
        const names = volumes
          .map((v) => v.name)
          .slice(0, 5)
          .join(", ");
        throw new Error(
          `pool ${spec.name} still holds ${volumes.length} volume(s) (${names}${volumes.length > 5 ? ", …" : ""}): ` +
            `delete them first, or set forceDestroy: true to delete them with the pool`,
        );
      }
      for (const v of volumes) await conn.volumes.delete(v);
      await conn.pools.destroy(ref);
    }
    // Removes the directory when it is empty; a directory that holds other files stays.
    await conn.pools.delete(ref).catch(() => undefined);
    await ignoringGone(conn.pools.undefine(ref));
  },

  outputNames: ["uuid", "path", "type", "active", "capacityBytes", "availableBytes"],

  outputs(spec, live) {
    return {
      uuid: live.id,
      path: live.state.definition.target?.path ?? spec.path,
      type: spec.type,
      active: live.state.active,
      capacityBytes: Number(live.state.capacity),
      availableBytes: Number(live.state.available),
    };
  },
};
