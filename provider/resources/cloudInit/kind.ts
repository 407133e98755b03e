import type { VolumeRef } from "../../libvirt";
import type { KindDefinition } from "../common/kindDefinition";
import { removeUnlessInUse } from "../volume/keep";
import { describeVolume, findVolume, lookupVolume, findVolumeByKeyOrPath } from "../volume/read";
import { createSeed, updateSeed } from "./apply";
import { cloudInitDiskDrift, seedReplacements } from "./drift";
import { cloudInitDiskFields } from "./fields";
import { CloudInitDiskLive, readSeed, readVolumeFormat } from "./read";
import { CloudInitDiskSpec, cloudInitDiskSpecOf } from "./spec";

export type { CloudInitDiskSpec } from "./spec";
export type { CloudInitDiskLive } from "./read";

/** The CloudInitDisk kind: a NoCloud seed image in a raw volume, made in memory and uploaded like a Volume's source. */
export const cloudInitDiskKind: KindDefinition<typeof cloudInitDiskFields, CloudInitDiskSpec, CloudInitDiskLive, VolumeRef> = {
  kind: "CloudInitDisk",
  fields: cloudInitDiskFields,
  toSpec: cloudInitDiskSpecOf,
  lookup: lookupVolume,
  findExisting: (conn, spec) => findVolume(conn, spec.pool, spec.name),
  describeExisting: describeVolume,
  replacingDifferences: async (conn, _spec, live) => seedReplacements(await readVolumeFormat(conn, live.state.ref)),
  read: (conn, ref) => readSeed(conn, ref),
  drift: cloudInitDiskDrift,
  create: (conn, spec) => createSeed(conn, spec),
  update: (conn, _id, _olds, spec, live) => updateSeed(conn, spec, live),
  // A volume a domain on its host still uses is kept and recorded on it (`volume/keep.ts`).
  remove: (conn, ref, spec) => removeUnlessInUse(conn, ref, { kind: "CloudInitDisk", name: spec.name }),

  outputs(_spec, live) {
    return { key: live.id, path: live.state.path, sha256: live.state.sha256, sizeBytes: Number(live.state.capacity) };
  },

  existing: {
    by: "key or path",
    find: findVolumeByKeyOrPath,
    async read(conn, ref) {
      // The whole volume is read to hash it, as for a managed seed.
      const { id, state } = await readSeed(conn, ref);
      return {
        id,
        state: { pool: ref.pool, name: ref.name, key: id, path: state.path, sha256: state.sha256, sizeBytes: Number(state.capacity) },
      };
    },
  },
};
