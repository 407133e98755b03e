import { LibvirtError, MAX_STRING_BYTES, RpcClient } from "../rpc";
import { DomainRef, encodeArgs, readDomain, readOptionalString, readString, uuidToBytes, writeDomain } from "./handles";
import { RemoteProc } from "./procedures";

/** Largest domain list the protocol carries (REMOTE_DOMAIN_LIST_MAX). */
const DOMAIN_LIST_MAX = 16384;
/** REMOTE_DOMAIN_INTERFACE_MAX and REMOTE_DOMAIN_IP_ADDR_MAX. */
const INTERFACE_MAX = 2048;

/** Domain states (`virDomainState`). */
export enum DomainState {
  NoState = 0,
  Running = 1,
  Blocked = 2,
  Paused = 3,
  Shutdown = 4,
  Shutoff = 5,
  Crashed = 6,
  PmSuspended = 7,
}

/** Flags of `virDomainUndefineFlags`. */
export enum DomainUndefineFlags {
  ManagedSave = 1,
  SnapshotsMetadata = 2,
  Nvram = 4,
  KeepNvram = 8,
  CheckpointsMetadata = 16,
  Tpm = 32,
  KeepTpm = 64,
}

/** Flags of `virDomainGetXMLDesc`. */
export enum DomainXmlFlags {
  Secure = 1,
  Inactive = 2,
  UpdateCpu = 4,
  Migratable = 8,
}

/** Where a change applies (`virDomainModificationImpact`); Live and Config combine. */
export enum DomainModificationImpact {
  /** The running domain if active, else the persistent definition. */
  Current = 0,
  /** The running domain only. */
  Live = 1,
  /** The persistent definition only. */
  Config = 2,
}

/** Extra flag of `virDomainSetMemoryFlags`: set the maximum instead of the balloon target. */
export const DOMAIN_MEMORY_MAXIMUM = 4;

/** Extra flag of `virDomainSetVcpusFlags`: set the maximum instead of the online count. */
export const DOMAIN_VCPU_MAXIMUM = 4;

/** Which metadata `virDomainSetMetadata` changes (`virDomainMetadataType`). */
export enum DomainMetadataType {
  /** `<description>`: free text. */
  Description = 0,
  /** `<title>`: one line. */
  Title = 1,
  /** An element of the application's own namespace under `<metadata>`. */
  Element = 2,
}

/** Where interface addresses come from (`virDomainInterfaceAddressesSource`). */
export enum InterfaceAddressSource {
  Lease = 0,
  Agent = 1,
  Arp = 2,
}

/** One address of a guest interface. */
export interface InterfaceAddress {
  /** 0 IPv4, 1 IPv6. */
  type: number;
  /** The address in text form. */
  address: string;
  /** Prefix length. */
  prefix: number;
}

/** A guest network interface with its addresses. */
export interface DomainInterface {
  /** Interface name (host-side device for lease/arp, guest name for agent). */
  name: string;
  /** MAC address, when known. */
  hwaddr?: string;
  /** Addresses, possibly none yet. */
  addresses: InterfaceAddress[];
}

/** `virDomainGetInfo`. */
export interface DomainInfo {
  /** Current state. */
  state: DomainState;
  /** Maximum memory in KiB. */
  maxMemKiB: bigint;
  /** Current memory in KiB. */
  memoryKiB: bigint;
  /** Number of virtual CPUs. */
  vcpus: number;
  /** CPU time used, in nanoseconds. */
  cpuTimeNs: bigint;
}

/** Typed calls on domains (virtual machines). */
export class Domains {
  /** @param rpc the connection's RPC client */
  constructor(private readonly rpc: RpcClient) {}

  /** All domains, running and defined. `flags` filter as `virConnectListAllDomains`. */
  listAll(flags = 0): Promise<DomainRef[]> {
    return this.rpc.call(
      RemoteProc.ConnectListAllDomains,
      encodeArgs((w) => w.int(1).uint(flags)),
      (r) => {
        const domains = r.array(DOMAIN_LIST_MAX, readDomain);
        r.uint();
        return domains;
      },
    );
  }

  /** @throws LibvirtError with a not-found code when no such domain exists */
  lookupByName(name: string): Promise<DomainRef> {
    return this.rpc.call(
      RemoteProc.DomainLookupByName,
      encodeArgs((w) => w.string(name)),
      readDomain,
    );
  }

  /** @throws LibvirtError with a not-found code when no such domain exists */
  lookupByUuid(uuid: string): Promise<DomainRef> {
    return this.rpc.call(
      RemoteProc.DomainLookupByUuid,
      encodeArgs((w) => w.fixedOpaque(uuidToBytes(uuid), 16)),
      readDomain,
    );
  }

  /**
   * Defines (or redefines) a persistent domain from XML. Uses the flags
   * variant when given flags, falling back to the plain call on daemons that
   * do not know it.
   */
  async define(xml: string, flags = 0): Promise<DomainRef> {
    if (flags === 0) {
      return this.rpc.call(
        RemoteProc.DomainDefineXml,
        encodeArgs((w) => w.string(xml)),
        readDomain,
      );
    }
    try {
      return await this.rpc.call(
        RemoteProc.DomainDefineXmlFlags,
        encodeArgs((w) => w.string(xml).uint(flags)),
        readDomain,
      );
    } catch (err) {
      // Daemons before 1.2.12 lack the flags variant; its only flag asks for
      // schema validation, which the plain call skips but otherwise matches.
      if (err instanceof LibvirtError && err.isUnsupported()) return this.define(xml);
      throw err;
    }
  }

  /** The domain's XML; `DomainXmlFlags.Inactive` for the persistent definition. */
  xmlDesc(dom: DomainRef, flags = 0): Promise<string> {
    return this.rpc.call(
      RemoteProc.DomainGetXmlDesc,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(flags);
      }),
      readString,
    );
  }

  /** Starts a defined domain; returns it with its new running id. */
  start(dom: DomainRef, flags = 0): Promise<DomainRef> {
    return this.rpc.call(
      RemoteProc.DomainCreateWithFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(flags);
      }),
      readDomain,
    );
  }

  /** Asks the guest to shut down (ACPI or agent); returns at once. */
  shutdown(dom: DomainRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainShutdownFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(flags);
      }),
    );
  }

  /** Stops the domain at once (power off). */
  destroy(dom: DomainRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainDestroyFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(flags);
      }),
    );
  }

  /** Removes the persistent definition; `DomainUndefineFlags.Nvram` also removes UEFI variables. */
  undefine(dom: DomainRef, flags = 0): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainUndefineFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(flags);
      }),
    );
  }

  /** The domain's state and the reason for it. */
  state(dom: DomainRef): Promise<{ state: DomainState; reason: number }> {
    return this.rpc.call(
      RemoteProc.DomainGetState,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(0);
      }),
      (r) => ({ state: r.int() as DomainState, reason: r.int() }),
    );
  }

  /** State, memory, vCPUs and CPU time. */
  info(dom: DomainRef): Promise<DomainInfo> {
    return this.rpc.call(
      RemoteProc.DomainGetInfo,
      encodeArgs((w) => writeDomain(w, dom)),
      (r) => ({
        state: r.uint() as DomainState,
        maxMemKiB: r.uhyper(),
        memoryKiB: r.uhyper(),
        vcpus: r.uint(),
        cpuTimeNs: r.uhyper(),
      }),
    );
  }

  /** Whether the domain is running. */
  isActive(dom: DomainRef): Promise<boolean> {
    return this.rpc.call(
      RemoteProc.DomainIsActive,
      encodeArgs((w) => writeDomain(w, dom)),
      (r) => r.int() !== 0,
    );
  }

  /** Whether the domain starts with the host. */
  getAutostart(dom: DomainRef): Promise<boolean> {
    return this.rpc.call(
      RemoteProc.DomainGetAutostart,
      encodeArgs((w) => writeDomain(w, dom)),
      (r) => r.int() !== 0,
    );
  }

  /** Sets whether the domain starts with the host. */
  setAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainSetAutostart,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.bool(autostart);
      }),
    );
  }

  /**
   * Sets the balloon target in KiB (`virDomainSetMemoryFlags`). `flags`
   * combine {@link DomainModificationImpact} values, plus
   * {@link DOMAIN_MEMORY_MAXIMUM} to set the maximum (persistent only).
   */
  setMemory(dom: DomainRef, memoryKiB: bigint, flags: number): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainSetMemoryFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uhyper(memoryKiB).uint(flags);
      }),
    );
  }

  /**
   * Sets the number of online vCPUs (`virDomainSetVcpusFlags`). `flags`
   * combine {@link DomainModificationImpact} values, plus
   * {@link DOMAIN_VCPU_MAXIMUM} to set the maximum (persistent only).
   */
  setVcpus(dom: DomainRef, count: number, flags: number): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainSetVcpusFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(count).uint(flags);
      }),
    );
  }

  /** Adds a device given as its XML element (`virDomainAttachDeviceFlags`). */
  attachDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainAttachDeviceFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.string(xml).uint(flags);
      }),
    );
  }

  /**
   * Removes the device the XML element identifies (`virDomainDetachDeviceFlags`).
   * A live detach needs the guest's cooperation: libvirt may return before the
   * device is gone, so read the domain again to know.
   */
  detachDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainDetachDeviceFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.string(xml).uint(flags);
      }),
    );
  }

  /**
   * Changes a device in place (`virDomainUpdateDeviceFlags`): a display's
   * password, a cdrom's medium. The XML element names the device as a detach
   * would, with the new settings.
   */
  updateDevice(dom: DomainRef, xml: string, flags: number): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainUpdateDeviceFlags,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.string(xml).uint(flags);
      }),
    );
  }

  /**
   * Sets (or, with `value` undefined, removes) the description, the title or a
   * namespaced metadata element (`virDomainSetMetadata`); `key` and `uri` name
   * the element's prefix and namespace for {@link DomainMetadataType.Element}.
   */
  setMetadata(
    dom: DomainRef,
    type: DomainMetadataType,
    value: string | undefined,
    flags: number,
    key?: string,
    uri?: string,
  ): Promise<void> {
    return this.rpc.call(
      RemoteProc.DomainSetMetadata,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.int(type);
        for (const s of [value, key, uri]) w.optional(s, (x, v) => x.string(v));
        w.uint(flags);
      }),
    );
  }

  /** The guest's interfaces and addresses, from DHCP leases, the guest agent or ARP. */
  interfaceAddresses(dom: DomainRef, source: InterfaceAddressSource): Promise<DomainInterface[]> {
    return this.rpc.call(
      RemoteProc.DomainInterfaceAddresses,
      encodeArgs((w) => {
        writeDomain(w, dom);
        w.uint(source).uint(0);
      }),
      (r) =>
        r.array(INTERFACE_MAX, (x) => ({
          name: readString(x),
          hwaddr: readOptionalString(x),
          addresses: x.array(INTERFACE_MAX, (a) => ({ type: a.int(), address: a.string(MAX_STRING_BYTES), prefix: a.uint() })),
        })),
    );
  }
}
