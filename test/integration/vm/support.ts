/**
 * What the VM integration tests share: the test guest's boot inputs, a
 * network per test on its own bridge and subnet, and direct libvirt reads
 * that do not go through the resource code.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { Network, VirtualMachineArgs } from "../../../provider";
import { ConnectionPool, DomainRef, DomainXmlFlags, LibvirtConnection } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { Domain, parseDomainXml } from "../../../provider/xml";
import { EngineHarness } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import type { TestHost } from "../support/hosts";
import { consoleFolder } from "./consoleFile";

/** A per-process tag for object names, so parallel runs and leftovers never collide. */
export const tag = (what: string): string => `pkvm-vm${what}-${process.pid % 100000}`;

/** Direct kernel boot of the test guest (it DHCPs on its first NIC and powers off on ACPI). */
export function guestBoot(host: TestHost): Pick<VirtualMachineArgs, "domainType" | "kernel" | "initrd" | "cmdline" | "connection"> {
  return {
    domainType: host.domainType as "qemu" | "kvm",
    kernel: `${host.guestDir}/vmlinuz`,
    initrd: `${host.guestDir}/initrd.img`,
    cmdline: "console=ttyS0",
    connection: connectionTo(host),
  };
}

/**
 * A NAT network with DHCP on 192.168.`octet`.0/24 and its own bridge: both
 * test hosts share this machine's network namespace.
 */
export function natNetwork(resourceName: string, host: TestHost, octet: number, name: string): Network {
  return new Network(resourceName, {
    name,
    mode: "nat",
    bridge: `pkv${process.pid % 10000}x${octet}`,
    ipv4: { address: `192.168.${octet}.1/24`, dhcp: { ranges: [{ start: `192.168.${octet}.100`, end: `192.168.${octet}.200` }] } },
    connection: connectionTo(host),
  });
}

/** The domain by name, or undefined when libvirt says there is none. */
export async function findDomain(conn: LibvirtConnection, name: string): Promise<DomainRef | undefined> {
  try {
    return await conn.domains.lookupByName(name);
  } catch (err) {
    if (isNotFoundError(err)) return undefined;
    throw err;
  }
}

/** The persistent definition and (when running) the running domain, read with libvirt directly. */
export async function definitions(conn: LibvirtConnection, name: string): Promise<{ ref: DomainRef; config: Domain; running?: Domain }> {
  const ref = await conn.domains.lookupByName(name);
  const config = parseDomainXml(await conn.domains.xmlDesc(ref, DomainXmlFlags.Inactive));
  const running = (await conn.domains.isActive(ref)) ? parseDomainXml(await conn.domains.xmlDesc(ref)) : undefined;
  return { ref, config, running };
}

/** Seconds since `t0`, one decimal. */
export const since = (t0: number): string => ((Date.now() - t0) / 1000).toFixed(1);

/** What a VM test whose guest writes its console to a file works with (valid once its `before` hook ran). */
export interface ConsoleVmSuite {
  /** The stack, destroyed after the suite. */
  readonly stack: EngineHarness;
  /** libvirt on the host, directly (not through the resources). */
  readonly conn: LibvirtConnection;
  /** The console file the VM writes, in a folder removed after the suite. */
  readonly log: string;
}

/**
 * Sets up, in the calling `describe`, an engine stack, a direct connection to
 * `host` and a console folder named after `what`, and tears them down after.
 */
export function consoleVmSuite(host: TestHost, what: string): ConsoleVmSuite {
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection | undefined;
  let dir = "";
  before(async () => {
    conn = (await direct.acquire(sshEndpoint(host))).connection;
    dir = consoleFolder(what);
  });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    stack,
    get conn(): LibvirtConnection {
      if (!conn) throw new Error("consoleVmSuite: used before its before hook ran");
      return conn;
    },
    get log(): string {
      return path.join(dir, "console.log");
    },
  };
}
