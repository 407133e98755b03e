/** The resource kinds this package implements, as named in the serialized provider. */
export type ResourceKind = "StoragePool" | "Volume" | "Network" | "VirtualMachine" | "CloudInitDisk";
