/**
 * Rule bodies for domains. Each removes or canonicalizes one thing libvirt
 * adds or rewrites; the table in `rules.ts` names them and says why.
 * All run on copies; "live" rules consult the desired definition so that a
 * value the user did declare is never normalized away.
 */
import { canonicalCpuset } from "../domain/cpuset";
import { Device, devicesOf } from "../domain/devices";
import { IOTUNE_LIMITS } from "../domain/disk";
import { Domain } from "../domain/types";
import { XmlNode } from "../node";
import { RuleContext } from "./context";
import { counterparts, otherKey } from "./keys";

type Ctx = RuleContext<Domain>;

/** Removes child elements by name from an opaque node, recursively. */
export function stripChildren(node: XmlNode, names: readonly string[]): void {
  node.children = node.children.filter((c) => !names.includes(c.name));
  node.children.forEach((c) => stripChildren(c, names));
}

function hasChild(node: XmlNode, name: string): boolean {
  return node.children.some((c) => c.name === name || hasChild(c, name));
}

/** Each live device with its desired counterpart (undefined when none). */
function pairs(doc: Domain, ctx: Ctx): [Device, Device | undefined][] {
  return [...counterparts(doc.devices, ctx.desired.devices)];
}

/** Live: drops the uuid when the desired domain declares none. */
export function dropUndeclaredUuid(doc: Domain, ctx: Ctx): void {
  if (ctx.role === "live" && ctx.desired.uuid === undefined) delete doc.uuid;
}

/** Live: drops the running domain's numeric id. */
export function dropRuntimeId(doc: Domain, ctx: Ctx): void {
  if (ctx.role === "live" && ctx.desired.id === undefined) delete doc.id;
}

/** Live: drops device addresses whose desired device pins none. */
export function dropAssignedAddresses(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind === "other") {
      const keep = want?.kind === "other" && want.node.children.some((c) => c.name === "address");
      if (!keep) live.node.children = live.node.children.filter((c) => c.name !== "address");
    } else if (!want || want.kind === "other" || want.address === undefined) {
      delete live.address;
    }
  }
}

/** Live: drops device aliases whose desired device names none. */
export function dropAssignedAliases(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind === "other") {
      if (!(want?.kind === "other" && hasChild(want.node, "alias"))) stripChildren(live.node, ["alias"]);
    } else if (!want || want.kind === "other" || want.alias === undefined) {
      delete live.alias;
    }
  }
}

/** The unmodelled devices libvirt adds by itself, by element name, in the groups two rules drop. */
const LIBVIRT_OWN: Record<"controllers" | "defaults", readonly string[]> = {
  /** The controllers a machine type and its devices need: pci-root, usb, ide/sata, virtio-serial for channels, scsi, … */
  controllers: ["controller"],
  /** A balloon, PS/2 input, a video card and audio backend for graphics, the emulator path. */
  defaults: ["memballoon", "input", "video", "audio", "emulator"],
};

/**
 * Whether a device is of a kind libvirt adds by itself: undeclared, it is
 * libvirt's, and a definition written without it gets it back (so carrying
 * it over into a new definition would only pile up stale controllers and slots).
 */
export function isLibvirtOwnDevice(device: Device): boolean {
  return device.kind === "other" && Object.values(LIBVIRT_OWN).some((names) => names.includes(device.node.name));
}

/**
 * Live: drops the devices of one group of `LIBVIRT_OWN` the desired domain
 * does not declare. Controllers and inputs are told apart by their natural
 * identity (a declared tablet does not make the implicit PS/2 mouse the
 * user's, nor a declared USB controller the PCI root); the others by name.
 */
function dropUndeclaredOwn(doc: Domain, ctx: Ctx, group: keyof typeof LIBVIRT_OWN): void {
  if (ctx.role !== "live") return;
  const names = LIBVIRT_OWN[group];
  const id = (n: XmlNode) => otherKey(n) ?? n.name;
  const declared = new Set(devicesOf(ctx.desired.devices, "other").map((d) => id(d.node)));
  doc.devices = doc.devices.filter((d) => !(d.kind === "other" && names.includes(d.node.name) && !declared.has(id(d.node))));
}

/** Live: drops controllers libvirt added (type and index not declared). */
export function dropImplicitControllers(doc: Domain, ctx: Ctx): void {
  dropUndeclaredOwn(doc, ctx, "controllers");
}

/** Live: drops default balloon, input, video, audio and emulator entries not declared. */
export function dropDefaultDevices(doc: Domain, ctx: Ctx): void {
  dropUndeclaredOwn(doc, ctx, "defaults");
  // <audio> sits beside <devices> in some versions' output too.
  if (ctx.role === "live" && doc.extra && !ctx.desired.extra?.children.some((c) => c.name === "audio")) {
    doc.extra.children = doc.extra.children.filter((c) => c.name !== "audio");
  }
}

/** Live: drops `<seclabel>` unless the desired domain has one. */
export function dropSecurityLabels(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live" || !doc.extra) return;
  if (ctx.desired.extra?.children.some((c) => c.name === "seclabel")) return;
  doc.extra.children = doc.extra.children.filter((c) => c.name !== "seclabel");
}

/** Live: drops NIC MACs the desired NIC does not give. */
export function dropGeneratedMacs(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind === "interface" && !(want?.kind === "interface" && want.mac !== undefined)) delete live.mac;
  }
}

/** Live: drops a started NIC's host device, portid and bridge. */
export function dropInterfaceRuntime(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind !== "interface") continue;
    const w = want?.kind === "interface" ? want : undefined;
    if (w?.target === undefined) delete live.target;
    const extra = live.source.extra;
    if (live.source.type === "network" && extra) {
      const wantAttrs = w?.source.extra?.attrs ?? {};
      for (const a of ["portid", "bridge"]) if (!(a in wantAttrs)) delete extra.attrs[a];
    }
  }
}

/** Live: drops the serial-mirroring console when no console is declared. */
export function dropSerialConsoleMirror(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  const wantsConsole = ctx.desired.devices.some((d) => d.kind === "console");
  if (wantsConsole) return;
  doc.devices = doc.devices.filter((d) => !(d.kind === "console" && (d.target?.type ?? "serial") === "serial"));
}

/** Live: drops pty paths, `tty`, generated channel paths and channel state. */
export function dropCharRuntime(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind !== "serial" && live.kind !== "console" && live.kind !== "channel") continue;
    const w = want?.kind === live.kind ? want : undefined;
    if (live.extra && !(w?.extra?.attrs.tty !== undefined)) delete live.extra.attrs.tty;
    // pty paths are allocated at start; channel sockets get a per-domain path.
    const autoPath = live.type === "pty" || live.kind === "channel";
    if (autoPath && live.source && w?.source?.path === undefined) delete live.source.path;
    if (live.source && Object.keys(live.source).length === 0 && !w?.source) delete live.source;
    if (live.target?.extra && !(w?.target?.extra?.attrs.state !== undefined)) delete live.target.extra.attrs.state;
  }
}

/** Live: drops the autoport-chosen port and mirrored `<listen>` children. */
export function dropGraphicsRuntime(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind !== "graphics") continue;
    const w = want?.kind === "graphics" ? want : undefined;
    // With autoport, -1 (or no port) asks libvirt to choose one at start.
    if (live.autoport && (w?.port === undefined || w.port === -1)) {
      if (w?.port === undefined) delete live.port;
      else live.port = w.port;
    }
    if (w?.listens === undefined) delete live.listens;
  }
}

/** Whether a reading is of the running domain: only it has a runtime id (an inactive definition has none). */
function isRunning(doc: Domain): boolean {
  return doc.id !== undefined;
}

/** Live, running: reports the configured CPU check instead of the one performed. */
export function cpuCheckAtStart(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live" || !isRunning(doc) || !doc.cpu) return;
  const want = ctx.desired.cpu?.check;
  if (want === undefined) delete doc.cpu.check;
  else doc.cpu.check = want;
}

/**
 * Live, running: the pflash loader autoselection chose reads as the `firmware='efi'` that asked for it.
 * A guest migrated in runs from the source's migratable definition, which drops autoselection's wishes
 * (`<firmware><feature…/>`) too, and libvirt refuses them beside a chosen loader: the loader stands for them.
 */
export function autoselectedFirmware(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live" || !isRunning(doc) || ctx.desired.os?.firmware !== "efi") return;
  const os = doc.os;
  if (!os || os.firmware || os.loader?.type !== "pflash") return;
  os.firmware = "efi";
  const wishes = (ctx.desired.os.extra?.children ?? []).filter((c) => c.name === "firmware");
  if (wishes.length === 0 || os.extra?.children.some((c) => c.name === "firmware")) return;
  os.extra = { ...os.extra, attrs: os.extra?.attrs ?? {}, children: [...(os.extra?.children ?? []), ...structuredClone(wishes)] };
}

/**
 * Live, running: a host-model CPU, shown expanded into the model libvirt
 * chose, reads as declared; its topology is the guest's own and stays, so
 * a new topology still waits for a restart.
 */
export function hostModelExpanded(doc: Domain, ctx: Ctx): void {
  const want = ctx.desired.cpu;
  if (ctx.role !== "live" || !isRunning(doc) || want?.mode !== "host-model") return;
  const topology = doc.cpu?.topology;
  doc.cpu = structuredClone(want);
  if (topology) doc.cpu.topology = topology;
  else delete doc.cpu.topology;
}

/** Both: every vCPU pin's CPU list in libvirt's spelling (`0,1` → `0-1`, `1-3,^2` → `1,3`). */
export function canonicalCpusets(doc: Domain): void {
  for (const pin of doc.cputune?.vcpupins ?? []) pin.cpuset = canonicalCpuset(pin.cpuset);
}

/** Live: a TPM emulator backend without `persistent_state` reads as the "no" the desired TPM declares. */
export function tpmPersistentStateDefault(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const [live, want] of pairs(doc, ctx)) {
    if (live.kind !== "tpm" || want?.kind !== "tpm" || live.backend?.type !== "emulator") continue;
    if (want.backend?.persistentState === false && live.backend.persistentState === undefined) live.backend.persistentState = false;
  }
}

/** Live: drops a running disk's source index and empty backing chain. */
export function dropDiskRuntime(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  for (const live of devicesOf(doc.devices, "disk")) {
    const extra = live.source.extra;
    if (extra) delete extra.attrs.index;
    if (live.extra) live.extra.children = live.extra.children.filter((c) => !(c.name === "backingStore" && c.children.length === 0));
  }
}

/** libvirt stores the versioned machine a short alias resolves to. */
const MACHINE_ALIASES: Record<string, RegExp> = { q35: /^pc-q35-[\d.]+$/, pc: /^pc-i440fx-[\d.]+$/ };

/** Live: shows a versioned machine type as the alias the user wrote. */
export function resolveMachineAlias(doc: Domain, ctx: Ctx): void {
  const want = ctx.desired.os?.machine;
  if (ctx.role !== "live" || !want || !doc.os?.machine) return;
  const re = MACHINE_ALIASES[want];
  if (re && re.test(doc.os.machine)) doc.os.machine = want;
}

/** Live: an absent feature flag the desired domain sets false reads false. */
export function absentFeatureIsOff(doc: Domain, ctx: Ctx): void {
  if (ctx.role !== "live") return;
  const want = ctx.desired.features;
  if (!want) return;
  doc.features ??= {};
  const f = doc.features;
  for (const k of ["acpi", "apic", "pae", "hap", "privnet"] as const) if (want[k] === false && f[k] === undefined) f[k] = false;
}

/** Both: an omitted vcpu `current` equals the maximum. */
export function vcpuCurrentDefault(doc: Domain, ctx: Ctx): void {
  const v = doc.vcpu;
  if (v && v.current === undefined && ctx.desired.vcpu?.current !== undefined) v.current = v.count;
}

/** Both: sorts clock timers by name. */
export function sortTimers(doc: Domain): void {
  doc.clock?.timers?.sort((a, b) => a.name.localeCompare(b.name));
}

/** Both: an `<iotune>` limit of 0 is no limit, and an `<iotune>` with nothing left is none. */
export function zeroIotuneIsNone(doc: Domain): void {
  for (const disk of devicesOf(doc.devices, "disk")) {
    const tune = disk.iotune;
    if (!tune) continue;
    for (const limit of IOTUNE_LIMITS) if (tune[limit] === 0) delete tune[limit];
    const empty = IOTUNE_LIMITS.every((l) => tune[l] === undefined) && !tune.extra;
    if (empty) delete disk.iotune;
  }
}
