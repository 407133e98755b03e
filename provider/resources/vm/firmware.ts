/**
 * Where a UEFI VM's firmware comes from: libvirt's firmware autoselection
 * where the host offers it, else the host's OVMF build named explicitly.
 * Once defined, a VM keeps the firmware and NVRAM file its definition
 * names, so a redefinition never hands the guest fresh UEFI variables.
 */
import type { LibvirtConnection } from "../../libvirt";
import { Domain, DomainOs, element, parseXml, XmlNode } from "../../xml";
import type { VmSpec } from "./spec";

/** The `<os>` fields that say which UEFI build runs and where its variables live (`extra`: autoselection's wishes). */
export type UefiOs = Pick<DomainOs, "firmware" | "loader" | "nvram" | "extra">;

/**
 * Autoselection: the host picks its build and creates the NVRAM file from
 * that build's template. Secure boot is asked off: left open, hosts tend to
 * pick a build with Microsoft's keys enrolled, which refuses unsigned boot
 * loaders; what the user did not ask for must not keep a guest from booting.
 */
export const AUTOSELECTED: UefiOs = {
  firmware: "efi",
  extra: { attrs: {}, children: [element("firmware", {}, [element("feature", { enabled: "no", name: "secure-boot" })])] },
};

const child = (n: XmlNode | undefined, name: string, attr?: [string, string]): XmlNode | undefined =>
  n?.children.find((c) => c.name === name && (!attr || c.attrs[attr[0]] === attr[1]));
const values = (n: XmlNode | undefined): string[] =>
  (n?.children ?? []).filter((c) => c.name === "value" && c.text).map((c) => c.text as string);

/**
 * The UEFI firmware a new VM gets from what the host's domain capabilities
 * offer for its machine: autoselection when listed; else the first plain
 * (not secure-boot) OVMF build, whose variables template sits beside it
 * under the distributions' `_CODE`/`_VARS` naming.
 */
export async function uefiOsFor(conn: LibvirtConnection, spec: VmSpec, machine: string | undefined): Promise<UefiOs> {
  const xml = await conn.domainCapabilities({ arch: spec.arch, machine, virtType: spec.domainType });
  const os = child(parseXml(xml), "os");
  if (values(child(os, "enum", ["name", "firmware"])).includes("efi")) return AUTOSELECTED;
  const loaders = values(child(os, "loader")).filter((p) => /_CODE[^/]*\.fd$/.test(p));
  const plain = loaders.find((p) => !/secboot|\.ms\.|snakeoil/.test(p)) ?? loaders[0];
  if (!plain) throw new Error(`${spec.name}: firmware "uefi": the host offers no UEFI firmware (install OVMF, e.g. Debian's "ovmf")`);
  return {
    loader: { path: plain, readonly: true, type: "pflash" },
    nvram: { template: plain.replace(/_CODE([^/]*\.fd)$/, "_VARS$1") },
  };
}

/** The firmware and NVRAM file an existing VM's definition names, to be written back unchanged. */
export function keptUefiOs(config: Domain): UefiOs {
  const os = config.os;
  if (os?.firmware !== "efi" && os?.loader) return { loader: os.loader, nvram: os.nvram };
  return os?.nvram?.path !== undefined ? { ...AUTOSELECTED, nvram: { path: os.nvram.path } } : AUTOSELECTED;
}
