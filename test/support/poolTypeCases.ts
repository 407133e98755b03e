/**
 * Good StoragePool inputs of each type (without `connection`): accepted by `check` in the
 * unit tests, and the definitions they make accepted by libvirt's own validation
 * (`virsh pool-define`) in the integration tests.
 */
export const GOOD_POOLS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "a dir pool without a type": { name: "pkvm-types-dir", path: "/srv/pkvm-types-dir" },
  "an fs pool mounting whatever the device holds": { name: "pkvm-types-fs", type: "fs", device: "/dev/vdb1", path: "/mnt/pkvm-types-fs" },
  "an fs pool built as xfs": {
    name: "pkvm-types-fs-xfs",
    type: "fs",
    device: "/dev/disk/by-id/x",
    path: "/mnt/pkvm-types-fs-xfs",
    format: "xfs",
    build: true,
  },
  "an nfs pool": {
    name: "pkvm-types-nfs",
    type: "netfs",
    host: "nfs.example.com",
    exportPath: "/exports/images",
    path: "/mnt/pkvm-types-nfs",
  },
  "a cifs pool": {
    name: "pkvm-types-cifs",
    type: "netfs",
    host: "192.0.2.10",
    exportPath: "images",
    format: "cifs",
    path: "/mnt/pkvm-types-cifs",
  },
  "a logical pool on an existing volume group": { name: "pkvm-types-vg", type: "logical", volumeGroup: "vg_images" },
  "a logical pool built from devices": { name: "pkvm-types-vg-new", type: "logical", devices: ["/dev/vdc", "/dev/vdd"], build: true },
  "a disk pool": { name: "pkvm-types-disk", type: "disk", device: "/dev/vde" },
  "a disk pool built as gpt": { name: "pkvm-types-disk-gpt", type: "disk", device: "/dev/vdf", format: "gpt", build: true },
  "an iscsi-direct pool": {
    name: "pkvm-types-iscsi",
    type: "iscsi-direct",
    host: "san.example.com",
    target: "iqn.2004-10.com.example:storage",
    initiator: "iqn.2026-01.com.example:hv1",
  },
  "an iscsi-direct pool with CHAP on another port": {
    name: "pkvm-types-iscsi-chap",
    type: "iscsi-direct",
    host: "192.0.2.20",
    port: 3261,
    target: "iqn.2004-10.com.example:storage",
    initiator: "iqn.2026-01.com.example:hv1",
    chap: { username: "hv1", password: "not-sent-to-libvirt" },
  },
};
