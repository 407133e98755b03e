/**
 * The VirtualMachine spec the XML fixtures in `fixtures/` were defined from
 * (see test/integration/vm/captureFixtures.ts), so the unit tests compare the
 * same spec against what libvirt made of it.
 */
import type { ResolvedDisk } from "../../../provider/resources/vm/disks";
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { vmKind } from "../../../provider/resources/vm/kind";
import type { VmSpec } from "../../../provider/resources/vm/spec";

/** The fixed UUID of the captured domain. */
export const FIXTURE_UUID = "6f1e3c2a-9d4b-4e8a-b1c7-2a5d0e9f4c31";

/** Where the capture puts things, as the fixtures name them. */
export const FIXTURE = {
  guestDir: "/srv/guest",
  domainType: "qemu",
  network: "pkvm-vmfx-net",
  name: "pkvm-vmfx",
  images: "/var/lib/libvirt/images",
};

/** The fixture's inputs: every disk bus kind the resource hotplugs or not, two NICs with fixed MACs. */
export function fixtureInputs(at: { guestDir: string; domainType: string; network: string; name: string }): Record<string, unknown> {
  return {
    name: at.name,
    domainType: at.domainType,
    memory: "96MiB",
    maxMemory: "128MiB",
    vcpus: 1,
    maxVcpus: 2,
    kernel: `${at.guestDir}/vmlinuz`,
    initrd: `${at.guestDir}/initrd.img`,
    cmdline: "console=ttyS0",
    description: "captured for the unit tests",
    disks: [{ volumeKey: "root" }, { device: "cdrom" }, { volumeKey: "data", bus: "scsi" }],
    networkInterfaces: [
      { network: at.network, mac: "52:54:00:fa:00:01" },
      { network: at.network, mac: "52:54:00:fa:00:02", model: "e1000" },
    ],
  };
}

/** The parsed spec; throws on a problem (the inputs are fixed, so one is a bug). */
export function fixtureSpec(
  at: { guestDir: string; domainType: string; network: string; name: string },
  change: Record<string, unknown> = {},
): VmSpec {
  const { spec, problems } = parseSpec(vmKind, { ...fixtureInputs(at), ...change }, {}, true);
  if (!spec) throw new Error(`fixture spec: ${JSON.stringify(problems)}`);
  return spec;
}

/** The fixture's disks as host A resolved them at capture time. */
export function fixtureDisks(spec: VmSpec): ResolvedDisk[] {
  const file = (n: string) => `${FIXTURE.images}/${FIXTURE.name}-${n}.qcow2`;
  return spec.disks.map((d) => {
    if (d.path !== undefined) return { ...d, file: d.path, format: d.format ?? "raw" };
    if (d.volumeKey !== undefined) return { ...d, file: file(d.volumeKey), format: d.format ?? "qcow2" };
    return { ...d, format: d.format ?? "raw" };
  });
}
