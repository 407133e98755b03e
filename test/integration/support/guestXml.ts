import { TestHost } from "./hosts";

/** Escapes text for an XML attribute or element. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/**
 * Domain XML for the tiny test guest (direct kernel boot of the image that
 * `scripts/guest-image` builds), with one virtio NIC on `network`.
 */
export function guestDomainXml(host: TestHost, name: string, network: string, extraDevices = ""): string {
  return `<domain type='${xmlEscape(host.domainType)}'>
  <name>${xmlEscape(name)}</name>
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
    <interface type='network'>
      <source network='${xmlEscape(network)}'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
    <console type='pty'/>
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
