import { LibvirtConnection, VolumeRef } from "../../libvirt";
import { buildVolumeXml, compareVolume, parsePoolXml, parseVolumeXml, Volume } from "../../xml";
import { createTransactionally } from "../common/transaction";
import { ignoringGone, unlessGone } from "../common/gone";
import type { ConnectionSpec } from "../common/connection";
import { messageOf, PartialCreateError, RefusedChangeError } from "../common/errors";
import type { Drift, KindDefinition, LiveObject, SpecBase } from "../common/kindDefinition";
import { checkEnum, checkName, Problems } from "../common/problems";
import { progress } from "../common/progress";
import { checkSize } from "../common/sizeInput";
import { createByUpload, prepareCopy } from "./sourced";
import { parseSource, VolumeSource } from "./sources";

/** Volume formats this resource creates. */
export const VOLUME_FORMATS = ["qcow2", "raw"] as const;

/** Validated volume inputs. */
export interface VolumeSpec extends SpecBase {
  pool: string;
  name: string;
  /** Declared capacity; optional with a source, where it is a minimum. */
  capacityBytes?: bigint;
  format: (typeof VOLUME_FORMATS)[number];
  /** Where the initial content comes from. */
  source?: VolumeSource;
  /** The `sha256` output kept in state, carried over by in-place updates. */
  storedSha256?: string;
}

/** What the host reports about a volume. */
export interface VolumeLive {
  ref: VolumeRef;
  path: string;
  format?: string;
  capacity: bigint;
  allocation: bigint;
  /** SHA-256 of the data uploaded by this create. */
  sha256?: string;
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
  // With a source the capacity is a minimum: the content may make the volume larger.
  if (spec.source === undefined && spec.capacityBytes !== undefined && spec.capacityBytes < live.capacity) {
    throw new RefusedChangeError(
      `volume ${spec.name}: capacity cannot shrink from ${live.capacity} to ${spec.capacityBytes} bytes: ` +
        `shrinking would cut off the data at its end; create a new, smaller volume instead`,
    );
  }
}

function withSha256(sha256: string | undefined): { sha256?: string } {
  return sha256 === undefined ? {} : { sha256 };
}

/** The Volume kind. */
export const volumeKind: KindDefinition<VolumeSpec, VolumeLive> = {
  kind: "Volume",

  parse(inputs, connection: ConnectionSpec) {
    const problems = new Problems();
    checkName(problems, "pool", inputs.pool);
    checkName(problems, "name", inputs.name);
    const hasSource = inputs.source !== undefined && inputs.source !== null;
    const capacity = checkSize(problems, "capacity", inputs.capacity, !hasSource);
    const format = inputs.format ?? "qcow2";
    checkEnum(problems, "format", format, VOLUME_FORMATS);
    // Stored state carries the `key` output; it is parsed for delete and refresh,
    // which must work even when the uploaded file has been removed since.
    const source = parseSource(problems, inputs.source, String(format), inputs.key === undefined);
    if (problems.all.length > 0 || (capacity === undefined && !source)) return { problems: [...problems.all] };
    return {
      problems: [],
      spec: {
        connection,
        pool: inputs.pool as string,
        name: inputs.name as string,
        capacityBytes: capacity,
        format: format as VolumeSpec["format"],
        source,
        storedSha256: typeof inputs.sha256 === "string" ? inputs.sha256 : undefined,
      },
    };
  },

  replaceOn(olds, news) {
    const out: string[] = (["pool", "name", "format"] as const).filter((k) => olds[k] !== news[k]);
    if (JSON.stringify(olds.source) !== JSON.stringify(news.source)) out.push("source");
    return out;
  },

  async read(conn, id) {
    const ref = await lookup(conn, id);
    return ref ? readVolume(conn, ref) : undefined;
  },

  drift(spec, live): Drift[] {
    assertNoShrink(spec, live);
    // With a source the capacity is a minimum: a volume the content made larger is as declared.
    const minimumMet = spec.source !== undefined && spec.capacityBytes !== undefined && live.capacity >= spec.capacityBytes;
    const capacity = spec.capacityBytes === undefined || minimumMet ? undefined : { value: spec.capacityBytes, unit: "bytes" as const };
    const declared: Volume = { name: spec.name, capacity, target: { format: spec.format } };
    const host: Volume = {
      name: spec.name,
      capacity: { value: live.capacity, unit: "bytes" },
      target: live.format === undefined ? undefined : { format: live.format },
    };
    // Compared through the rule table (which knows how libvirt rounds a capacity), each path named as its input;
    // a format the host does not report (`target` missing) is no drift.
    const lines: Record<string, Drift> = {
      capacity: { property: "capacity", detail: `is ${live.capacity} bytes on the host, ${spec.capacityBytes} declared` },
      "target.format": { property: "format", detail: `is ${live.format} on the host` },
    };
    return compareVolume(declared, host).flatMap((d) => lines[d.path] ?? []);
  },

  async create(conn, spec) {
    progress("Volume", spec.name, `creating in pool ${spec.pool}`);
    const pool = await conn.pools.lookupByName(spec.pool);
    // A file volume's key is its path: known before the write, so a create
    // cut short by a dropped link still leaves an id the next run can check.
    const poolPath = parsePoolXml(await conn.pools.xmlDesc(pool)).target?.path ?? "";
    const id = `${poolPath}/${spec.name}`;
    const source = spec.source;
    if (source?.kind === "localPath" || source?.kind === "url") {
      const { ref, sha256 } = await createByUpload(conn, pool, { ...spec, source }, id);
      const live = await readVolume(conn, ref).catch((err: unknown) => {
        // The data is in place: keep the volume in state rather than lose track of it.
        throw new PartialCreateError(`volume ${spec.name}: uploaded, but reading it back failed: ${messageOf(err)}`, id);
      });
      return { ...live, state: { ...live.state, sha256 } };
    }
    const write = source
      ? await prepareCopy(conn, pool, { ...spec, source })
      : () =>
          conn.volumes.create(
            pool,
            buildVolumeXml({
              name: spec.name,
              capacity: { value: spec.capacityBytes ?? 0n, unit: "bytes" },
              target: { format: spec.format },
            }),
          );
    return createTransactionally("volume", spec.name, id, async () => {
      const ref = await write();
      return { run: () => readVolume(conn, ref), undo: () => conn.volumes.delete(ref) };
    });
  },

  async update(conn, _id, olds, spec, live) {
    assertNoShrink(spec, live);
    if (spec.capacityBytes !== undefined && spec.capacityBytes > live.capacity) {
      progress("Volume", spec.name, `growing from ${live.capacity} to ${spec.capacityBytes} bytes`);
      await conn.volumes.resize(live.ref, spec.capacityBytes);
    }
    const after = await readVolume(conn, live.ref);
    return { ...after, state: { ...after.state, sha256: olds.storedSha256 } };
  },

  async remove(conn, id) {
    const ref = await lookup(conn, id);
    if (!ref) return;
    await ignoringGone(conn.volumes.delete(ref));
  },

  outputNames: ["key", "path", "format", "capacityBytes", "allocationBytes", "sha256"],

  outputs(spec, live) {
    return {
      key: live.id,
      path: live.state.path,
      format: live.state.format ?? spec.format,
      capacityBytes: Number(live.state.capacity),
      allocationBytes: Number(live.state.allocation),
      ...withSha256(live.state.sha256 ?? spec.storedSha256),
    };
  },
};
