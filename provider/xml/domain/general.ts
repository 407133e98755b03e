/**
 * The domain's scalar sections: memory sizes, vCPUs, CPU model, features,
 * clock. Each has a read and a build function.
 */
import { XmlNode, element, withExtra } from "../node";

import { ElementReader, compact, onOff, putExtra, readSize } from "../reader";
import { ClockTimer, DomainClock, DomainCpu, DomainCputune, DomainFeatures, DomainVcpu, MaxMemory, SizeElement, VcpuPin } from "./types";

/** Reads `<memory>`, `<currentMemory>` (KiB when no unit is given). */
export function parseSizeElement(r: ElementReader): SizeElement {
  return putExtra({ ...readSize(r, "KiB") }, r);
}

/** Reads `<maxMemory slots='…'>`. */
export function parseMaxMemory(r: ElementReader): MaxMemory {
  const slots = r.intAttr("slots");
  const m: MaxMemory = { ...readSize(r, "KiB") };
  if (slots !== undefined) m.slots = slots;
  return putExtra(m, r);
}

/** Reads `<vcpu>`. */
export function parseVcpu(r: ElementReader): DomainVcpu {
  const v: DomainVcpu = compact({
    placement: r.enumAttr("placement", ["static", "auto"] as const),
    cpuset: r.attr("cpuset"),
    current: r.intAttr("current"),
    count: Number((r.text() ?? "1").trim()),
  });
  return putExtra(v, r);
}

/** Builds `<vcpu>`. */
export function buildVcpu(v: DomainVcpu): XmlNode {
  return withExtra(element("vcpu", { placement: v.placement, cpuset: v.cpuset, current: v.current }, [], String(v.count)), v.extra);
}

/** Reads `<cputune>`: each `<vcpupin>` with a vCPU number and a CPU list; the rest stays unmodelled. */
export function parseCputune(r: ElementReader): DomainCputune {
  const pins = r
    .childrenWhere("vcpupin", (n) => /^\d+$/.test(n.attrs.vcpu ?? "") && n.attrs.cpuset !== undefined)
    .map((n) => {
      const pin = new ElementReader(n);
      return putExtra<VcpuPin>({ vcpu: Number(pin.attr("vcpu")), cpuset: pin.attr("cpuset") ?? "" }, pin);
    });
  return putExtra(pins.length > 0 ? { vcpupins: pins } : {}, r);
}

/** Builds `<cputune>`. */
export function buildCputune(t: DomainCputune): XmlNode {
  const pins = (t.vcpupins ?? []).map((p) => withExtra(element("vcpupin", { vcpu: p.vcpu, cpuset: p.cpuset }), p.extra));
  return withExtra(element("cputune", {}, pins), t.extra);
}

/** Reads `<cpu>`. */
export function parseCpu(r: ElementReader): DomainCpu {
  const cpu: DomainCpu = compact({
    mode: r.enumAttr("mode", ["custom", "host-model", "host-passthrough", "maximum"] as const),
    match: r.enumAttr("match", ["minimum", "exact", "strict"] as const),
    check: r.enumAttr("check", ["none", "partial", "full"] as const),
  });
  const model = r.sub("model");
  if (model) {
    cpu.model = model.text() ?? "";
    const rest = model.extra();
    if (rest) cpu.modelExtra = rest;
  }
  const topo = r.sub("topology");
  if (topo) {
    cpu.topology = putExtra(
      compact({
        sockets: topo.intAttr("sockets"),
        dies: topo.intAttr("dies"),
        cores: topo.intAttr("cores"),
        threads: topo.intAttr("threads"),
      }),
      topo,
    );
  }
  return putExtra(cpu, r);
}

/** Builds `<cpu>`. */
export function buildCpu(cpu: DomainCpu): XmlNode {
  const t = cpu.topology;
  return withExtra(
    element("cpu", { mode: cpu.mode, match: cpu.match, check: cpu.check }, [
      cpu.model !== undefined || cpu.modelExtra ? withExtra(element("model", {}, [], cpu.model), cpu.modelExtra) : undefined,
      t ? withExtra(element("topology", { sockets: t.sockets, dies: t.dies, cores: t.cores, threads: t.threads }), t.extra) : undefined,
    ]),
    cpu.extra,
  );
}

const FLAGS = ["acpi", "apic", "pae", "hap", "privnet"] as const;
const STATES = ["vmport", "smm"] as const;

/** Reads `<features>`: bare flags and `state='on|off'` features are typed. */
export function parseFeatures(r: ElementReader): DomainFeatures {
  const f: DomainFeatures = {};
  for (const name of FLAGS) {
    // A flag carrying attributes (`<apic eoi='on'/>`) means more than "on": keep it whole.
    if (r.childrenWhere(name, (n) => n.children.length === 0 && Object.keys(n.attrs).length === 0).length > 0) f[name] = true;
  }
  for (const name of STATES) {
    const [n] = r.childrenWhere(
      name,
      (c) => c.children.length === 0 && Object.keys(c.attrs).join() === "state" && (c.attrs.state === "on" || c.attrs.state === "off"),
    );
    if (n) f[name] = n.attrs.state === "on";
  }
  return putExtra(f, r);
}

/** Builds `<features>`; a `false` flag is written as absent. */
export function buildFeatures(f: DomainFeatures): XmlNode {
  return withExtra(
    element("features", {}, [
      ...FLAGS.map((name) => (f[name] ? element(name) : undefined)),
      ...STATES.map((name) => (f[name] !== undefined ? element(name, { state: onOff(f[name]) }) : undefined)),
    ]),
    f.extra,
  );
}

function parseTimer(n: XmlNode): ClockTimer {
  const r = new ElementReader(n);
  return putExtra(
    compact({ name: r.attr("name") ?? "", present: r.yesNoAttr("present"), tickpolicy: r.attr("tickpolicy"), track: r.attr("track") }),
    r,
  );
}

/** Reads `<clock>`. */
export function parseClock(r: ElementReader): DomainClock {
  const c: DomainClock = compact({
    offset: r.enumAttr("offset", ["utc", "localtime", "timezone", "variable", "absolute"] as const),
    timezone: r.attr("timezone"),
    adjustment: r.attr("adjustment"),
    basis: r.enumAttr("basis", ["utc", "localtime"] as const),
  });
  const timers = r.childrenWhere("timer", (n) => n.attrs.name !== undefined);
  if (timers.length > 0) c.timers = timers.map(parseTimer);
  return putExtra(c, r);
}

/** Builds `<clock>`. */
export function buildClock(c: DomainClock): XmlNode {
  const timers = (c.timers ?? []).map((t) =>
    withExtra(
      element("timer", {
        name: t.name,
        tickpolicy: t.tickpolicy,
        track: t.track,
        present: t.present === undefined ? undefined : t.present ? "yes" : "no",
      }),
      t.extra,
    ),
  );
  return withExtra(element("clock", { offset: c.offset, timezone: c.timezone, adjustment: c.adjustment, basis: c.basis }, timers), c.extra);
}
