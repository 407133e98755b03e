import { output } from "../common/fields";
import { generatedObjectName, objectName, text } from "../common/fieldTypes";

/** Every input and output of a {@link CloudInitDisk}, declared once. */
export const cloudInitDiskFields = {
  /** Name of the storage pool that holds the seed volume. Changing it replaces the disk. */
  pool: objectName("pool").required().replaces().output("echo"),
  /**
   * Volume name, unique in its pool; when unset, the resource's name plus a random suffix
   * and `.iso` (`web-seed-3f9a1c2.iso`). Changing it replaces the disk.
   */
  name: generatedObjectName("volume", { extension: () => ".iso", knownExtensions: [".iso", ".img"] })
    .replaces()
    .output("echo"),
  /** cloud-init user-data (e.g. a `#cloud-config` document). Stored as a secret. */
  userData: text().required().secret(),
  /** cloud-init meta-data (e.g. `instance-id: …` and `local-hostname: …`). */
  metaData: text().required(),
  /** cloud-init network-config, when the guest should not use its defaults. Stored as a secret. */
  networkConfig: text().secret(),
  /** The volume's file on the host. */
  path: output<string>(),
  /** libvirt's unique key of the volume (its path, for file volumes). */
  key: output<string>(),
  /** SHA-256 of the image on the host, lowercase hex. */
  sha256: output<string>(),
  /** Size of the image in bytes. */
  sizeBytes: output<number>(),
};
