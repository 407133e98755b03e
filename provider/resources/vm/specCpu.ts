/**
 * The guest CPU's topology (`cpu`) and vCPU pinning (`vcpuPinning`): their
 * input types, their checks, and the rule that ties both to the VM's vCPU
 * count (`maxVcpus`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseCpuset } from "../../xml";
import type { FieldCheck } from "../common/fields";
import { checkInteger, checkKnownFields, isObject, Problems, refuse } from "../common/problems";

/** The guest CPU's topology: sockets × cores × threads must equal the vCPUs the VM boots with (`maxVcpus`). */
export interface VirtualMachineCpuArgs {
  /** CPU sockets. */
  sockets: pulumi.Input<number>;
  /** Cores per socket. */
  cores: pulumi.Input<number>;
  /** Threads per core. */
  threads: pulumi.Input<number>;
}

/**
 * Which host CPUs each vCPU may run on, by vCPU number: a CPU list in
 * libvirt's syntax, e.g. `{ 0: "0", 1: "1-3,^2" }`.
 */
export type VirtualMachineVcpuPinningArgs = Record<number, pulumi.Input<string>>;

/** A checked topology. */
export interface CpuTopologySpec {
  sockets: number;
  cores: number;
  threads: number;
}

/** One checked pin: the vCPU and its CPU list as the program wrote it. */
export interface VcpuPinSpec {
  vcpu: number;
  cpuset: string;
}

/** The most vCPUs a VM has (the bound of `vcpus` and `maxVcpus`). */
const MAX_VCPUS = 1024;
const TOPOLOGY_FIELDS = ["sockets", "cores", "threads"] as const;

/** `cpu`: the three counts, each a whole number. */
export const checkCpuTopology: FieldCheck<CpuTopologySpec> = (problems, property, value) => {
  if (!isObject(value)) return void problems.add(property, "must be an object such as { sockets: 1, cores: 2, threads: 1 }");
  checkKnownFields(problems, property, value, TOPOLOGY_FIELDS, { what: "a cpu topology field" });
  let ok = true;
  for (const key of TOPOLOGY_FIELDS) {
    if (value[key] === undefined) ok = refuse(problems, `${property}.${key}`, "must be given (sockets, cores and threads are all needed)");
    else ok = checkInteger(problems, `${property}.${key}`, value[key], 1, MAX_VCPUS) && ok;
  }
  if (!ok) return undefined;
  return { sockets: value.sockets as number, cores: value.cores as number, threads: value.threads as number };
};

/** `vcpuPinning`: vCPU numbers as keys, libvirt CPU lists as values; sorted by vCPU. */
export const checkVcpuPinning: FieldCheck<VcpuPinSpec[]> = (problems, property, value) => {
  if (!isObject(value))
    return void problems.add(property, 'must be an object from vCPU number to host CPU list, such as { 0: "0", 1: "1-3" }');
  const pins: VcpuPinSpec[] = [];
  let ok = true;
  for (const [key, cpuset] of Object.entries(value)) {
    const at = `${property}[${key}]`;
    if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) >= MAX_VCPUS) {
      ok = refuse(problems, at, `is not a vCPU number: keys are vCPU numbers from 0 to ${MAX_VCPUS - 1}`);
      continue;
    }
    if (typeof cpuset !== "string") {
      ok = refuse(problems, at, 'must be a host CPU list such as "0", "0-3" or "0-3,^2,6"');
      continue;
    }
    const parsed = parseCpuset(cpuset);
    if ("problem" in parsed) ok = refuse(problems, at, parsed.problem);
    else pins.push({ vcpu: Number(key), cpuset });
  }
  return ok ? pins.sort((a, b) => a.vcpu - b.vcpu) : undefined;
};

/**
 * The rules across fields: the topology holds exactly the vCPUs the VM
 * boots with, and only those vCPUs can be pinned.
 * @param maxVcpusGiven whether `maxVcpus` was set (else it is `vcpus`), for the message
 */
export function checkCpuAgainstVcpus(
  problems: Problems,
  values: { cpu?: CpuTopologySpec; vcpuPinning?: VcpuPinSpec[] },
  maxVcpus: number,
  maxVcpusGiven: boolean,
): void {
  const count = maxVcpusGiven ? `maxVcpus (${maxVcpus})` : `maxVcpus (${maxVcpus}: vcpus, as maxVcpus is unset)`;
  const t = values.cpu;
  if (t && t.sockets * t.cores * t.threads !== maxVcpus) {
    problems.add("cpu", `sockets × cores × threads is ${t.sockets * t.cores * t.threads}; it must equal ${count}`);
  }
  for (const pin of values.vcpuPinning ?? []) {
    if (pin.vcpu >= maxVcpus) problems.add(`vcpuPinning[${pin.vcpu}]`, `pins vCPU ${pin.vcpu}, but vCPUs are numbered below ${count}`);
  }
}
