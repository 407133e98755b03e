/**
 * Define, read back, start, stop and remove each document kind on a host,
 * and compare what libvirt gives back with what was asked for.
 */
import {
  Difference,
  buildDomainXml,
  buildNetworkXml,
  buildPoolXml,
  buildVolumeXml,
  compareDomain,
  compareNetwork,
  comparePool,
  compareVolume,
  parseDomainXml,
  parseNetworkXml,
  parsePoolXml,
  parseVolumeXml,
} from "../../../provider/xml";
import { XmlCase, hostNames } from "./cases";
import { XmlTestHost, quietly } from "./hosts";

/** The object's name on the host. */
export function caseObjectName(c: XmlCase): string {
  return c.desired.name;
}

/** Defines (or, for a volume, creates) the case's object from its built XML. */
export async function defineCase(h: XmlTestHost, c: XmlCase): Promise<void> {
  switch (c.kind) {
    case "domain":
      await h.virsh(["define", "/dev/stdin"], buildDomainXml(c.desired));
      return;
    case "network":
      await h.virsh(["net-define", "/dev/stdin"], buildNetworkXml(c.desired));
      return;
    case "pool":
      await h.virsh(["pool-define", "/dev/stdin"], buildPoolXml(c.desired));
      return;
    case "volume":
      await h.virsh(["vol-create", hostNames(h).volumePool, "/dev/stdin"], buildVolumeXml(c.desired));
  }
}

/** `dumpxml` of the case's object: inactive config, or the live one. */
export async function dumpCase(h: XmlTestHost, c: XmlCase, inactive: boolean): Promise<string> {
  const flag = inactive ? ["--inactive"] : [];
  switch (c.kind) {
    case "domain":
      return h.virsh(["dumpxml", ...flag, c.desired.name]);
    case "network":
      return h.virsh(["net-dumpxml", ...flag, c.desired.name]);
    case "pool":
      return h.virsh(["pool-dumpxml", ...flag, c.desired.name]);
    case "volume":
      return h.virsh(["vol-dumpxml", "--pool", hostNames(h).volumePool, c.desired.name]);
  }
}

/** Compares the case's desired definition with `dumpxml` output. */
export function compareCase(c: XmlCase, xml: string): Difference[] {
  switch (c.kind) {
    case "domain":
      return compareDomain(c.desired, parseDomainXml(xml));
    case "network":
      return compareNetwork(c.desired, parseNetworkXml(xml));
    case "pool":
      return comparePool(c.desired, parsePoolXml(xml));
    case "volume":
      return compareVolume(c.desired, parseVolumeXml(xml));
  }
}

/** Starts a domain, network or pool. */
export async function startCase(h: XmlTestHost, c: XmlCase): Promise<void> {
  if (c.kind === "domain") await h.virsh(["start", c.desired.name]);
  else if (c.kind === "network") await h.virsh(["net-start", c.desired.name]);
  else if (c.kind === "pool") await h.virsh(["pool-start", c.desired.name]);
}

/** Stops and removes whatever the case left, ignoring what is already gone. */
export async function removeCase(h: XmlTestHost, c: XmlCase): Promise<void> {
  const name = c.desired.name;
  switch (c.kind) {
    case "domain":
      await quietly(h.virsh(["destroy", name]));
      // --nvram also removes a UEFI variable store; it is refused where there is none.
      await quietly(h.virsh(["undefine", "--nvram", name]).catch(() => h.virsh(["undefine", name])));
      return;
    case "network":
      await quietly(h.virsh(["net-destroy", name]));
      await quietly(h.virsh(["net-undefine", name]));
      return;
    case "pool":
      await quietly(h.virsh(["pool-destroy", name]));
      await quietly(h.virsh(["pool-undefine", name]));
      return;
    case "volume":
      await quietly(h.virsh(["vol-delete", "--pool", hostNames(h).volumePool, name]));
  }
}

/** Creates and starts the dir pool for volumes and the NAT network for the running guest. */
export async function setUpShared(h: XmlTestHost): Promise<void> {
  const n = hostNames(h);
  await tearDownShared(h);
  await h.virsh(["pool-define", "/dev/stdin"], buildPoolXml({ type: "dir", name: n.volumePool, target: { path: n.volumePoolPath } }));
  await h.virsh(["pool-build", n.volumePool]);
  await h.virsh(["pool-start", n.volumePool]);
  await h.virsh(
    ["net-define", "/dev/stdin"],
    buildNetworkXml({
      name: n.guestNet,
      forward: { mode: "nat" },
      bridge: { name: n.guestBridge },
      ips: [
        {
          address: `192.168.${n.guestSubnet}.1`,
          prefix: 24,
          dhcp: { ranges: [{ start: `192.168.${n.guestSubnet}.100`, end: `192.168.${n.guestSubnet}.150` }] },
        },
      ],
    }),
  );
  await h.virsh(["net-start", n.guestNet]);
}

/** Removes the shared pool (and its volumes) and network. */
export async function tearDownShared(h: XmlTestHost): Promise<void> {
  const n = hostNames(h);
  const vols = await h.virsh(["vol-list", "--pool", n.volumePool, "--name"]).catch(() => "");
  for (const v of vols
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean))
    await quietly(h.virsh(["vol-delete", "--pool", n.volumePool, v]));
  await quietly(h.virsh(["pool-destroy", n.volumePool]));
  await quietly(h.virsh(["pool-delete", n.volumePool]));
  await quietly(h.virsh(["pool-undefine", n.volumePool]));
  await quietly(h.virsh(["net-destroy", n.guestNet]));
  await quietly(h.virsh(["net-undefine", n.guestNet]));
}
