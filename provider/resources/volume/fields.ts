import { In, input, output } from "../common/fields";
import { choice, generatedObjectName, objectName, size } from "../common/fieldTypes";
import type { VolumeSourceArgs } from "./resource";
import { parseSource, sourceIdentity, VolumeSource } from "./sources";

/** Volume formats this resource creates. */
export const VOLUME_FORMATS = ["qcow2", "raw"] as const;

/** Every input and output of a {@link Volume}, declared once. */
export const volumeFields = {
  /** Name of the storage pool that holds the volume. Changing it replaces the volume. */
  pool: objectName("pool").required().replaces().output("echo"),
  /**
   * Volume name, unique in its pool; when unset, the resource's name plus a random suffix
   * and the format's extension (`disk-3f9a1c2.qcow2`, `.img` for raw). Changing it replaces the volume.
   */
  name: generatedObjectName("volume", {
    extension: (inputs) => (inputs.format === "raw" ? ".img" : ".qcow2"),
    knownExtensions: [".qcow2", ".img", ".raw"],
  })
    .replaces()
    .output("echo"),
  /**
   * Size the guest sees. Grows in place; a smaller value is refused. Optional
   * with a `source`, where it is a minimum: the volume is at least as large as
   * the uploaded data or the backing / cloned volume.
   */
  capacity: size().as("capacityBytes"),
  /** Disk format, `"qcow2"` by default. Changing it replaces the volume. */
  // As an output, the format the host reports (it may name one this resource does not create).
  format: choice(VOLUME_FORMATS).default("qcow2").replaces().output<"reported", string>("reported"),
  /**
   * Initial content. Without it the volume starts empty. Changing it replaces the volume,
   * except for `timeoutSeconds`, which only says how long a download may wait.
   */
  source: input<In<VolumeSourceArgs>, VolumeSource>((problems, _property, value, { inputs, program }) => {
    const format = inputs.format ?? "qcow2";
    // Stored state is parsed for delete and refresh, which must work even when
    // the uploaded file has been removed since: its file is not looked at.
    return parseSource(problems, value, typeof format === "string" ? format : undefined, program === true);
  }).replaces(sourceIdentity),
  /** The volume's file on the host. */
  path: output<string>(),
  /** libvirt's unique key of the volume (its path, for file volumes). */
  key: output<string>(),
  /** Size the guest sees, in bytes. */
  capacityBytes: output<number>(),
  /** Space taken on the host, in bytes. */
  allocationBytes: output<number>(),
  /** SHA-256 of the data uploaded from `source.localPath` or `source.url`. */
  sha256: output<string | undefined>(),
};
