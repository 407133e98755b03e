import { LibvirtConnection, VolumeRef } from "../../libvirt";
import { buildVolumeXml, parsePoolXml, parseVolumeXml } from "../../xml";
import { createTransactionally } from "../common/transaction";
import { ignoringGone, unlessGone } from "../common/gone";
import type { ConnectionSpec } from "../common/connection";
import { RefusedChangeError } from "../common/errors";
import type { Drift, KindDefinition, LiveObject, SpecBase } from "../common/kindDefinition";
import { checkEnum, checkName, Problems } from "../common/problems";
import { progress } from "../common/progress";
import { checkSize } from "../common/sizeInput";

/** Volume formats this resource creates. */
export const VOLUME_FORMATS = ["qcow2", "raw"] as const;

/** Validated volume inputs. */
export interface VolumeSpec extends SpecBase {
  pool: string;
  name: string;
  capacityBytes: bigint;
  format: (typeof VOLUME_FORMATS)[number];
}

/** What the host reports about a volume. */
export interface VolumeLive {
  ref: VolumeRef;
  path: string;
  format?: string;
  capacity: bigint;
  allocation: bigint;
}

function lookup(conn: LibvirtConnection, key: string): Promise<VolumeRef | undefined> {
  return unlessGone(conn.volumes.lookupByKey(key));
}

async function readVolume(conn: LibvirtConnection, ref: VolumeRef): Promise<LiveObject<VolumeLive>> {
  const [xml, info, path] = await Promise.all([conn.volumes.xmlDesc(ref), conn.volumes.info(ref), conn.volumes.path(ref)]);
  const doc = parseVolumeXml(xml);
  return { id: ref.key, state: { ref, path, format: doc.target?.format, capacity: info.capacity, allocation: info.allocation } };
}

function assertNoShrink(spec: VolumeSpec, live: VolumeLive): void {
  if (spec.capacityBytes < live.capacity) {
    throw new RefusedChangeError(
      `volume ${spec.name}: capacity cannot shrink from ${live.capacity} to ${spec.capacityBytes} bytes: ` +
        `shrinking would cut off the data at its end; create a new, smaller volume instead`,
    );
  }
}

/** The Volume kind. */
export const volumeKind: KindDefinition<VolumeSpec, VolumeLive> = {
  kind: "Volume",

  parse(inputs, connection: ConnectionSpec) {
    const problems = new Problems();
    checkName(problems, "pool", inputs.pool);
    checkName(problems, "name", inputs.name);
    const capacity = checkSize(problems, "capacity", inputs.capacity);
    const format = inputs.format ?? "qcow2";
    checkEnum(problems, "format", format, VOLUME_FORMATS);
    if (problems.all.length > 0 || capacity === undefined) return { problems: [...problems.all] };
    return {
      problems: [],
      spec: {
        connection,
        pool: inputs.pool as string,
        name: inputs.name as string,
        capacityBytes: capacity,
        format: format as VolumeSpec["format"],
      },
    };
  },

  replaceOn(olds, news) {
    return (["pool", "name", "format"] as const).filter((k) => olds[k] !== news[k]);
  },

  async read(conn, id) {
    const ref = await lookup(conn, id);
    return ref ? readVolume(conn, ref) : undefined;
  },

  drift(spec, live): Drift[] {
    assertNoShrink(spec, live);
    const out: Drift[] = [];
    if (live.capacity !== spec.capacityBytes)
      out.push({ property: "capacity", detail: `is ${live.capacity} bytes on the host, ${spec.capacityBytes} declared` });
    if (live.format !== undefined && live.format !== spec.format) out.push({ property: "format", detail: `is ${live.format} on the host` });
    return out;
  },

  async create(conn, spec) {
    progress("Volume", spec.name, `creating in pool ${spec.pool}`);
    const pool = await conn.pools.lookupByName(spec.pool);
    // A file volume's key is its path: known before the write, so a create
    // cut short by a dropped link still leaves an id the next run can check.
    const poolPath = parsePoolXml(await conn.pools.xmlDesc(pool)).target?.path ?? "";
    return createTransactionally("volume", spec.name, `${poolPath}/${spec.name}`, async () => {
      const ref = await conn.volumes.create(
        pool,
        buildVolumeXml({ name: spec.name, capacity: { value: spec.capacityBytes, unit: "bytes" }, target: { format: spec.format } }),
      );
      return { run: () => readVolume(conn, ref), undo: () => conn.volumes.delete(ref) };
    });
  },

  async update(conn, _id, _olds, spec, live) {
    assertNoShrink(spec, live);
    if (spec.capacityBytes > live.capacity) {
      progress("Volume", spec.name, `growing from ${live.capacity} to ${spec.capacityBytes} bytes`);
      await conn.volumes.resize(live.ref, spec.capacityBytes);
    }
    return readVolume(conn, live.ref);
  },

  async remove(conn, id) {
    const ref = await lookup(conn, id);
    if (!ref) return;
    await ignoringGone(conn.volumes.delete(ref));
  },

  outputs(spec, live) {
    return {
      key: live.id,
      path: live.state.path,
      format: live.state.format ?? spec.format,
      capacityBytes: Number(live.state.capacity),
      allocationBytes: Number(live.state.allocation),
    };
  },
};
