import type { VolumeRef } from "../../libvirt";
import type { KindDefinition } from "../common/kindDefinition";
import { removeUnlessInUse } from "./keep";
import { createVolume, updateVolume } from "./apply";
import { checkVolumeChange, volumeDrift, volumeReplacements } from "./drift";
import { volumeFields } from "./fields";
import { describeVolume, findVolume, lookupVolume, readVolume, VolumeLive, findVolumeByKeyOrPath } from "./read";
import { VolumeSpec, volumeSpecOf } from "./spec";

export type { VolumeSpec } from "./spec";
export type { VolumeLive } from "./read";

/** The Volume kind: a disk image in a pool, empty, uploaded, an overlay or a copy. */
export const volumeKind: KindDefinition<typeof volumeFields, VolumeSpec, VolumeLive, VolumeRef> = {
  kind: "Volume",
  fields: volumeFields,
  toSpec: volumeSpecOf,
  checkChange: checkVolumeChange,
  lookup: lookupVolume,
  findExisting: (conn, spec) => findVolume(conn, spec.pool, spec.name),
  describeExisting: describeVolume,
  replacingDifferences: (_conn, spec, live) => Promise.resolve(volumeReplacements(spec, live.state)),
  read: (conn, ref) => readVolume(conn, ref),
  drift: volumeDrift,
  create: (conn, spec) => createVolume(conn, spec),
  update: (conn, _id, olds, spec, live) => updateVolume(conn, olds, spec, live),
  // A volume a domain on its host still uses is kept and recorded on it (`volume/keep.ts`).
  remove: (conn, ref, spec) => removeUnlessInUse(conn, ref, { kind: "Volume", name: spec.name }),

  outputs(spec, live) {
    const sha256 = live.state.sha256 ?? spec.storedSha256;
    return {
      key: live.id,
      path: live.state.path,
      format: live.state.format ?? spec.format,
      capacityBytes: Number(live.state.capacity),
      allocationBytes: Number(live.state.allocation),
      // Reported only for uploads: absent rather than undefined in state.
      ...(sha256 === undefined ? {} : { sha256 }),
    };
  },

  existing: {
    by: "key or path",
    find: findVolumeByKeyOrPath,
    async read(conn, ref) {
      const { id, state } = await readVolume(conn, ref);
      return {
        id,
        state: {
          pool: ref.pool,
          name: ref.name,
          key: id,
          path: state.path,
          // A volume whose document names no format (a logical volume) holds raw data.
          format: state.format ?? "raw",
          capacityBytes: Number(state.capacity),
          allocationBytes: Number(state.allocation),
        },
      };
    },
  },
};
