/** `<os>`: guest type and machine, firmware, boot order, direct kernel boot. */
import { XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra, yesNo } from "../reader";
import { BootDevice, DomainOs } from "./types";

const BOOT_DEVICES: readonly BootDevice[] = ["hd", "cdrom", "network", "fd"];

/** Reads an `<os>` element. */
export function parseOs(node: XmlNode): DomainOs {
  const r = new ElementReader(node);
  const os: DomainOs = { firmware: r.enumAttr("firmware", ["bios", "efi"] as const) };
  const type = r.sub("type");
  if (type) {
    os.type = type.text();
    os.arch = type.attr("arch");
    os.machine = type.attr("machine");
    const rest = type.extra();
    if (rest) os.typeExtra = rest;
  }
  const loader = r.sub("loader");
  if (loader) {
    os.loader = putExtra(
      compact({
        path: loader.text(),
        readonly: loader.yesNoAttr("readonly"),
        type: loader.enumAttr("type", ["rom", "pflash"] as const),
        secure: loader.yesNoAttr("secure"),
      }),
      loader,
    );
  }
  const nvram = r.sub("nvram");
  if (nvram) os.nvram = putExtra(compact({ path: nvram.text(), template: nvram.attr("template") }), nvram);
  const boots = r.childrenWhere("boot", (n) => Object.keys(n.attrs).join() === "dev" && BOOT_DEVICES.includes(n.attrs.dev as BootDevice));
  if (boots.length > 0) os.boot = boots.map((b) => b.attrs.dev as BootDevice);
  const menu = r.sub("bootmenu");
  if (menu) os.bootMenu = putExtra(compact({ enable: menu.yesNoAttr("enable"), timeout: menu.intAttr("timeout") }), menu);
  os.kernel = r.childText("kernel");
  os.initrd = r.childText("initrd");
  os.cmdline = r.childText("cmdline");
  return putExtra(compact(os), r);
}

/** Builds an `<os>` element. */
export function buildOs(os: DomainOs): XmlNode {
  const l = os.loader;
  const nv = os.nvram;
  const hasType = os.type !== undefined || os.arch !== undefined || os.machine !== undefined || os.typeExtra;
  const node = element("os", { firmware: os.firmware }, [
    hasType ? withExtra(element("type", { arch: os.arch, machine: os.machine }, [], os.type), os.typeExtra) : undefined,
    l
      ? withExtra(element("loader", { readonly: yesNo(l.readonly), secure: yesNo(l.secure), type: l.type }, [], l.path), l.extra)
      : undefined,
    nv ? withExtra(element("nvram", { template: nv.template }, [], nv.path), nv.extra) : undefined,
    os.kernel !== undefined ? element("kernel", {}, [], os.kernel) : undefined,
    os.initrd !== undefined ? element("initrd", {}, [], os.initrd) : undefined,
    os.cmdline !== undefined ? element("cmdline", {}, [], os.cmdline) : undefined,
    ...(os.boot ?? []).map((dev) => element("boot", { dev })),
    os.bootMenu
      ? withExtra(element("bootmenu", { enable: yesNo(os.bootMenu.enable), timeout: os.bootMenu.timeout }), os.bootMenu.extra)
      : undefined,
  ]);
  return withExtra(node, os.extra);
}
