import { output } from "../common/fields";
import { absolutePath, choice, flag, generatedObjectName } from "../common/fieldTypes";

/** Pool types this resource creates. */
export const POOL_TYPES = ["dir"] as const;

/** Every input and output of a {@link StoragePool}, declared once. */
export const poolFields = {
  /** Pool name, unique on the host; the resource's name plus a random suffix when unset. Changing it replaces the pool. */
  name: generatedObjectName("pool").replaces().output("echo"),
  /** Pool type; `"dir"` (a directory on the host) is supported. Changing it replaces the pool. */
  // As an output, the type the host reports (a pool read by `get` may be of any type).
  type: choice(POOL_TYPES).default("dir").replaces().output<"reported", string>("reported"),
  /** The directory that holds the pool's volumes; created when missing. Changing it replaces the pool. */
  path: absolutePath().required().replaces().output("reported"),
  /** Start the pool with the host; true by default. */
  autostart: flag().default(true),
  /** On delete, also delete the volumes the pool still holds; false by default (the delete is refused instead). */
  forceDestroy: flag().default(false),
  /** libvirt's UUID of the pool. */
  uuid: output<string>(),
  /** Whether the pool is running. */
  active: output<boolean>(),
  /** Total size of the pool's storage, in bytes. */
  capacityBytes: output<number>(),
  /** Free space for new volumes, in bytes. */
  availableBytes: output<number>(),
};
