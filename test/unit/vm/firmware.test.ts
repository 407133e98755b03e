import assert from "node:assert/strict";
import type { LibvirtConnection } from "../../../provider/libvirt";
import { AUTOSELECTED, keptUefiOs, uefiOsFor } from "../../../provider/resources/vm/firmware";
import { parseDomainXml } from "../../../provider/xml";
import { FIXTURE, fixtureSpec } from "./fixtureSpec";

/** Domain capabilities as Debian's libvirt reports them, with or without firmware autoselection. */
function capabilities(autoselect: boolean): string {
  const firmware = autoselect ? "<enum name='firmware'><value>efi</value></enum>" : "";
  return `<domainCapabilities><os supported='yes'>${firmware}<loader supported='yes'>
    <value>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</value><value>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</value>
    <value>/usr/share/OVMF/OVMF_CODE_4M.fd</value><enum name='type'><value>pflash</value></enum></loader></os></domainCapabilities>`;
}

/** A connection whose only call answers the capabilities query, recording what was asked. */
function fakeConnection(xml: string, calls: Array<Record<string, string | undefined>>): LibvirtConnection {
  const domainCapabilities = async (query: Record<string, string | undefined>) => {
    calls.push(query);
    return xml;
  };
  return { domainCapabilities } as unknown as LibvirtConnection;
}

describe("VirtualMachine UEFI firmware", () => {
  const spec = fixtureSpec(FIXTURE, { firmware: "uefi" });

  it("uses libvirt's firmware autoselection where the host offers it", async () => {
    const calls: Array<Record<string, string | undefined>> = [];
    assert.deepEqual(await uefiOsFor(fakeConnection(capabilities(true), calls), spec, "q35"), AUTOSELECTED);
    assert.deepEqual(calls, [{ arch: spec.arch, machine: "q35", virtType: spec.domainType }]);
  });

  it("else names the plain OVMF build and its variables template", async () => {
    assert.deepEqual(await uefiOsFor(fakeConnection(capabilities(false), []), spec, "q35"), {
      loader: { path: "/usr/share/OVMF/OVMF_CODE_4M.fd", readonly: true, type: "pflash" },
      nvram: { template: "/usr/share/OVMF/OVMF_VARS_4M.fd" },
    });
  });

  it("refuses a host without UEFI firmware, naming the package to install", async () => {
    const none = "<domainCapabilities><os supported='yes'><loader supported='yes'/></os></domainCapabilities>";
    await assert.rejects(uefiOsFor(fakeConnection(none, []), spec, "q35"), /no UEFI firmware.*ovmf/);
  });

  it("keeps the loader and NVRAM file an explicit definition names", () => {
    const config = parseDomainXml(`<domain type='qemu'><name>web1</name><memory>1024</memory><os>
      <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
      <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
      <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/web1_VARS.fd</nvram></os><devices/></domain>`);
    assert.deepEqual(keptUefiOs(config), {
      loader: { path: "/usr/share/OVMF/OVMF_CODE_4M.fd", readonly: true, type: "pflash" },
      nvram: { path: "/var/lib/libvirt/qemu/nvram/web1_VARS.fd", template: "/usr/share/OVMF/OVMF_VARS_4M.fd" },
    });
  });
});
