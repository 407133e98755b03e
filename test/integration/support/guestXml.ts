import { TestHost } from "./hosts";

/** Escapes text for an XML attribute or element. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** What {@link guestDomainXml} adds to or changes in the plain guest. */
export interface GuestXmlOptions {
  /** The domain's UUID (a migration's destination XML names the source's); libvirt picks one otherwise. */
  uuid?: string;
  /** The NIC's MAC address; libvirt picks one otherwise. */
  mac?: string;
  /** The serial console (and its `<console>` mirror) written to this file on the host, instead of a pty. */
  consoleFile?: string;
  /** Device elements placed before the NIC (disks). */
  disks?: string;
}

/**
 * Domain XML for the tiny test guest (direct kernel boot of the image that
 * `scripts/guest-image` builds), with one virtio NIC on `network`.
 */
export function guestDomainXml(host: TestHost, name: string, network: string, extraDevices = "", options: GuestXmlOptions = {}): string {
  const { uuid, mac, consoleFile, disks } = options;
  const consoles =
    consoleFile === undefined
      ? `<serial type='pty'/>
    <console type='pty'/>`
      : `<serial type='file'><source path='${xmlEscape(consoleFile)}'/></serial>
    <console type='file'><source path='${xmlEscape(consoleFile)}'/></console>`;
  return `<domain type='${xmlEscape(host.domainType)}'>
  <name>${xmlEscape(name)}</name>
  ${uuid === undefined ? "" : `<uuid>${xmlEscape(uuid)}</uuid>`}
  <memory unit='MiB'>96</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>${xmlEscape(host.guestDir)}/vmlinuz</kernel>
    <initrd>${xmlEscape(host.guestDir)}/initrd.img</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    ${disks ?? ""}
    <interface type='network'>
      <source network='${xmlEscape(network)}'/>
      ${mac === undefined ? "" : `<mac address='${xmlEscape(mac)}'/>`}
      <model type='virtio'/>
    </interface>
    ${consoles}
    ${extraDevices}
  </devices>
</domain>`;
}

/** XML of a NAT network with DHCP on `192.168.<octet>.0/24` and its own bridge name. */
export function natNetworkXml(name: string, bridge: string, octet: number): string {
  return `<network>
  <name>${xmlEscape(name)}</name>
  <forward mode='nat'/>
  <bridge name='${xmlEscape(bridge)}' stp='on' delay='0'/>
  <ip address='192.168.${octet}.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.${octet}.100' end='192.168.${octet}.200'/>
    </dhcp>
  </ip>
</network>`;
}
