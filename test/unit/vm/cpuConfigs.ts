/**
 * The CPU topology and pinning configurations whose libvirt readings are
 * captured in `fixtures/cpu-*.xml` (test/integration/vm/captureCpuFixtures.ts):
 * diskless VMs, so the capture boots nothing but the firmware.
 */
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { vmKind } from "../../../provider/resources/vm/kind";
import type { VmSpec } from "../../../provider/resources/vm/spec";

/** The fixed UUID of each captured domain. */
export const CPU_FIXTURE_UUID = "3b7c1f0e-5a2d-4c6b-9e8f-1d2c3b4a5f60";

/** Each configuration's inputs beyond the name and the domain type, by fixture name. */
export const CPU_CONFIGS: Record<string, Record<string, unknown>> = {
  // Topology alone: libvirt adds a custom qemu64 model, match, check and dies.
  topology: { vcpus: 2, cpu: { sockets: 1, cores: 2, threads: 1 } },
  // One pin per vCPU, as libvirt spells them.
  pins: { vcpus: 2, vcpuPinning: { 0: "0", 1: "1" } },
  // Lists libvirt respells ("0,1" → "0-1", "1-3,^2,^3" → "1"), with a topology of two sockets and an offline vCPU.
  respelled: { vcpus: 1, maxVcpus: 2, cpu: { sockets: 2, cores: 1, threads: 1 }, vcpuPinning: { 0: "0,1", 1: "1-3,^2,^3" } },
  // A CPU mode with a topology (the two share <cpu>) and a pin on every host CPU.
  modeAndPins: { vcpus: 2, cpuMode: "maximum", cpu: { sockets: 1, cores: 1, threads: 2 }, vcpuPinning: { 1: "0-1" } },
  // Four vCPUs in a 1×2×2 topology, two online, one pinned while offline.
  offlinePin: { vcpus: 2, maxVcpus: 4, cpu: { sockets: 1, cores: 2, threads: 2 }, vcpuPinning: { 0: "1", 3: "0" } },
};

/**
 * The spec of a configuration, with `change` over its inputs (undefined
 * removes one); throws on a problem (the inputs are fixed, so one is a bug).
 */
export function cpuConfigSpec(config: string, name: string, domainType: string, change: Record<string, unknown> = {}): VmSpec {
  const inputs = CPU_CONFIGS[config];
  if (!inputs) throw new Error(`no CPU configuration ${config}`);
  const all = { name, domainType, memory: "64MiB", guestAgent: false, ...inputs, ...change };
  const { spec, problems } = parseSpec(vmKind, all, {}, true);
  if (!spec) throw new Error(`CPU configuration ${config}: ${JSON.stringify(problems)}`);
  return spec;
}
