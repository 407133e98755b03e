/** `parseDomainXml` / `buildDomainXml`: the domain document as a whole. */
import { XmlError, XmlNode, buildXml, element, parseXml, withExtra } from "../node";
import { ElementReader, putExtra } from "../reader";
import { buildDevice, parseDevices } from "./devices";
import {
  buildClock,
  buildCpu,
  buildCputune,
  buildFeatures,
  buildVcpu,
  parseClock,
  parseCpu,
  parseCputune,
  parseFeatures,
  parseMaxMemory,
  parseSizeElement,
  parseVcpu,
} from "./general";
import { buildSizeElement } from "../reader";
import { buildOs, parseOs } from "./os";
import { Domain, LifecycleAction } from "./types";

const ACTIONS: readonly LifecycleAction[] = ["destroy", "restart", "preserve", "rename-restart", "coredump-destroy", "coredump-restart"];

/** Reads a domain from its parsed root element. */
export function parseDomainNode(root: XmlNode): Domain {
  if (root.name !== "domain") throw new XmlError(`expected <domain>, got <${root.name}>`);
  const r = new ElementReader(root);
  const type = r.requiredAttr("type");
  const id = r.intAttr("id");
  const name = r.childText("name");
  if (name === undefined) throw new XmlError("<domain> lacks <name>");
  const devicesNode = r.contentChild("devices", true);
  const dom: Domain = { type, name, devices: parseDevices(devicesNode?.children ?? []) };
  if (id !== undefined) dom.id = id;
  const text = (key: "uuid" | "title" | "description", el: string) => {
    const v = r.childText(el);
    if (v !== undefined) dom[key] = v;
  };
  text("uuid", "uuid");
  text("title", "title");
  text("description", "description");
  const meta = r.contentChild("metadata", true);
  if (meta) dom.metadata = meta.children;
  const sub = (el: string) => r.sub(el);
  const mem = sub("memory");
  if (mem) dom.memory = parseSizeElement(mem);
  const cur = sub("currentMemory");
  if (cur) dom.currentMemory = parseSizeElement(cur);
  const max = sub("maxMemory");
  if (max) dom.maxMemory = parseMaxMemory(max);
  const vcpu = sub("vcpu");
  if (vcpu) dom.vcpu = parseVcpu(vcpu);
  const cputune = sub("cputune");
  if (cputune) dom.cputune = parseCputune(cputune);
  const cpu = sub("cpu");
  if (cpu) dom.cpu = parseCpu(cpu);
  const os = r.child("os");
  if (os) dom.os = parseOs(os);
  const features = sub("features");
  if (features) dom.features = parseFeatures(features);
  const clock = sub("clock");
  if (clock) dom.clock = parseClock(clock);
  const action = (key: "onPoweroff" | "onReboot" | "onCrash", el: string) => {
    // An action this model does not know stays unmodelled, kept whole.
    const known = r.node.children.some((c) => c.name === el && ACTIONS.includes(c.text as LifecycleAction));
    if (known) dom[key] = r.childText(el) as LifecycleAction;
  };
  action("onPoweroff", "on_poweroff");
  action("onReboot", "on_reboot");
  action("onCrash", "on_crash");
  return putExtra(dom, r);
}

/**
 * Parses `virsh dumpxml` output (or any domain XML) into a {@link Domain}.
 * @throws XmlError when the text is not a domain document.
 */
export function parseDomainXml(xml: string): Domain {
  return parseDomainNode(parseXml(xml));
}

/** Builds the root element of a domain. */
export function buildDomainNode(d: Domain): XmlNode {
  const text = (name: string, v: string | undefined) => (v !== undefined ? element(name, {}, [], v) : undefined);
  const root = element("domain", { type: d.type, id: d.id }, [
    text("name", d.name),
    text("uuid", d.uuid),
    text("title", d.title),
    text("description", d.description),
    d.metadata ? element("metadata", {}, d.metadata) : undefined,
    d.maxMemory ? buildSizeElement("maxMemory", d.maxMemory, { slots: d.maxMemory.slots }) : undefined,
    d.memory ? buildSizeElement("memory", d.memory) : undefined,
    d.currentMemory ? buildSizeElement("currentMemory", d.currentMemory) : undefined,
    d.vcpu ? buildVcpu(d.vcpu) : undefined,
    d.cputune ? buildCputune(d.cputune) : undefined,
    d.os ? buildOs(d.os) : undefined,
    d.features ? buildFeatures(d.features) : undefined,
    d.cpu ? buildCpu(d.cpu) : undefined,
    d.clock ? buildClock(d.clock) : undefined,
    text("on_poweroff", d.onPoweroff),
    text("on_reboot", d.onReboot),
    text("on_crash", d.onCrash),
    element("devices", {}, d.devices.map(buildDevice)),
  ]);
  return withExtra(root, d.extra);
}

/**
 * What libvirt would refuse or not give back intact, as a list of problems
 * (empty when none): libvirt refuses line breaks in `<title>`.
 */
export function domainProblems(d: Domain): string[] {
  const problems: string[] = [];
  if (d.title !== undefined && /[\r\n]/.test(d.title)) problems.push("title: libvirt refuses line breaks in a title");
  return problems;
}

/**
 * Builds domain XML for `virsh define`. Unmodelled parts kept in `extra` and
 * `other` devices are written back, so a parse → build round trip loses nothing.
 * @throws XmlError on names or characters XML cannot carry, or on any of
 * {@link domainProblems}.
 */
export function buildDomainXml(d: Domain): string {
  const problems = domainProblems(d);
  if (problems.length > 0) throw new XmlError(`domain cannot be defined as given: ${problems.join("; ")}`);
  return buildXml(buildDomainNode(d));
}
