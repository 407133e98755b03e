/**
 * A VM's TPM: a TPM 2.0 emulated by swtpm, which libvirt runs beside QEMU
 * and whose state (keys, NV indexes) lives on the host in
 * `/var/lib/libvirt/swtpm/<uuid>/`. The state belongs to the VM as its
 * NVRAM file does: libvirt keeps it across redefinitions and restarts, and
 * removes it when the domain is undefined with `DomainUndefineFlags.Tpm`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DomainUndefineFlags } from "../../libvirt";
import type { Tpm } from "../../xml";
import { checkBoolean, checkEnum, checkKnownFields, isObject, Problems } from "../common/problems";
import type { VmValues } from "./spec";

/** TPM interfaces: `tis` (TPM Interface Specification, any machine) or `crb` (Command Response Buffer, TPM 2.0's own, x86 only). */
export const TPM_MODELS = ["tis", "crb"] as const;
/** TPM versions: 2.0 only (1.2 is obsolete, and no guest that asks for a TPM today wants it). */
export const TPM_VERSIONS = ["2.0"] as const;

/** A TPM for a {@link VirtualMachine}, emulated by swtpm on the host. */
export interface VirtualMachineTpmArgs {
  /** `"crb"` (default for a UEFI VM on x86: TPM 2.0's own interface) or `"tis"` (default otherwise, libvirt's own default). */
  model?: pulumi.Input<"tis" | "crb">;
  /** `"2.0"`, the only version offered (and the default). */
  version?: pulumi.Input<"2.0">;
  /**
   * Keep the TPM state on the host when the VM is deleted (libvirt's
   * `persistent_state`); false by default, so deleting the VM removes it.
   * Updates and restarts keep the state either way.
   */
  persistentState?: pulumi.Input<boolean>;
}

/** A checked TPM; `model` unset takes the default for the VM's firmware and architecture ({@link tpmModelOf}). */
export interface TpmSpec {
  model?: (typeof TPM_MODELS)[number];
  version: (typeof TPM_VERSIONS)[number];
  persistentState: boolean;
}

/** Architectures with a CRB TPM in QEMU. */
const CRB_ARCHES = new Set(["x86_64", "i686"]);
/** Architectures whose machines take an emulated TIS or CRB TPM (ppc64 and s390x have other TPM devices, or none). */
const TPM_ARCHES = new Set([...CRB_ARCHES, "aarch64"]);

/** The `tpm` row's check. */
export function checkTpm(problems: Problems, property: string, value: unknown): TpmSpec | undefined {
  if (!isObject(value)) return void problems.add(property, 'must be an object such as { model: "crb", version: "2.0" }');
  checkKnownFields(problems, property, value, ["model", "version", "persistentState"]);
  const { model, persistentState } = value;
  const version = value.version ?? "2.0";
  const modelOk = model === undefined || checkEnum(problems, `${property}.model`, model, TPM_MODELS);
  const versionOk = checkEnum(problems, `${property}.version`, version, TPM_VERSIONS);
  checkBoolean(problems, `${property}.persistentState`, persistentState);
  return modelOk && versionOk ? { model, version, persistentState: persistentState === true } : undefined;
}

/** The rules between `tpm` and the VM's architecture (called by `vmSpecOf`). */
export function checkTpmFits(problems: Problems, values: Pick<VmValues, "tpm" | "arch">): void {
  const { tpm, arch } = values;
  if (tpm === undefined) return;
  if (!TPM_ARCHES.has(arch))
    problems.add("tpm", `is not offered for arch "${arch}" (QEMU emulates TIS and CRB TPMs for x86_64, i686 and aarch64)`);
  else if (tpm.model === "crb" && !CRB_ARCHES.has(arch))
    problems.add("tpm.model", `"crb" needs an x86 guest (arch "x86_64" or "i686"); use "tis" for "${arch}"`);
}

/** The model a TPM gets: the given one, else CRB for a UEFI VM on x86 (q35 and OVMF), TIS otherwise. */
export function tpmModelOf(tpm: TpmSpec, vm: Pick<VmValues, "firmware" | "arch">): (typeof TPM_MODELS)[number] {
  return tpm.model ?? (vm.firmware === "uefi" && CRB_ARCHES.has(vm.arch) ? "crb" : "tis");
}

/**
 * The `<tpm>` element: swtpm's emulator backend with the version and
 * `persistent_state` always written: libvirt 9.0 picks 1.2 for a TIS TPM
 * given no version, and a `persistent_state` set by hand is drift only if
 * the program declares its own (libvirt shows "no" as absent, which the
 * rule table reads back as "no").
 */
export function tpmDevice(tpm: TpmSpec, vm: Pick<VmValues, "firmware" | "arch">): Tpm {
  return {
    kind: "tpm",
    model: `tpm-${tpmModelOf(tpm, vm)}`,
    backend: { type: "emulator", version: tpm.version, persistentState: tpm.persistentState },
  };
}

/**
 * The undefine flags for a VM's TPM state: removed with the VM unless
 * `persistentState` keeps it. Given only for a VM with a TPM, so a host
 * whose libvirt predates these flags (8.9) still deletes VMs without one.
 * @param undo the VM is being removed because its create failed: its fresh state goes too
 */
export function tpmUndefineFlags(tpm: TpmSpec | undefined, undo = false): number {
  if (tpm === undefined) return 0;
  return tpm.persistentState && !undo ? DomainUndefineFlags.KeepTpm : DomainUndefineFlags.Tpm;
}
