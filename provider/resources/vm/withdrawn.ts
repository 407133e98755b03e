/**
 * What the previous program put into the definition that the current one no
 * longer declares. The comparison with the host follows "preserve user
 * intent": what the program leaves unset is not compared (libvirt fills in
 * defaults, and devices nobody declares may be the host's own). So a setting
 * removed from the program (`cpuMode`, `machine`, an `xmlOverrides` device)
 * is found here instead, by comparing the previous program with this one.
 * A withdrawn vCPU pin is undone like any pin change (live, see the remedy
 * table), the others take a new definition.
 */
import { compareDomain, Domain } from "../../xml";
import { pinnedVcpuOf, propertyOf, VmChange, VmDifference } from "./compare";

/** The parts compared: disks, interfaces and the always-set values have their own handling. */
function declared(dom: Domain): Domain {
  const { currentMemory: _m, description: _d, metadata: _meta, ...rest } = dom;
  return structuredClone({ ...rest, devices: dom.devices.filter((d) => d.kind !== "disk" && d.kind !== "interface") });
}

/** What `before` declares and `now` lacks, each a change of the definition. */
export function withdrawnParts(before: Domain, now: Domain, overrides: boolean): VmDifference[] {
  return compareDomain(declared(before), declared(now))
    .filter((d) => d.kind === "missing")
    .map((d) => {
      const vcpu = pinnedVcpuOf(d.path);
      const change: VmChange = vcpu === undefined ? { kind: "definition" } : { kind: "pin", vcpu };
      return { property: propertyOf(d.path, overrides), detail: `${d.path}: ${d.desired ?? "a setting"} is no longer declared`, change };
    });
}
