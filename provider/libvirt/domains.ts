import { LibvirtError } from "../rpc";
import {
  BlockIoTuneParam,
  DomainCreateFlags,
  DomainDefineFlags,
  DomainDestroyFlags,
  DomainDeviceModifyFlags,
  DomainListFlags,
  DomainBlockResizeFlags,
  DomainMemoryFlags,
  DomainMetadataType,
  DomainModificationImpact,
  DomainShutdownFlags,
  DomainUndefineFlags,
  DomainVcpuFlags,
  DomainXmlFlags,
  InterfaceAddressSource,
} from "./enums/domain";
import { DomainRef } from "./handles";
import type { RemoteCalls } from "./remoteCalls";
import { DomainInfo, DomainInterface, DomainStateInfo } from "./replies";
import { FlagSet } from "./wire/codec";
import { cpumapOf } from "./wire/cpumap";
import { NEED_RESULTS, NO_FLAGS } from "./wire/fixedArgs";
import { ullongParam } from "./wire/typedParams";

/** Typed calls on domains (virtual machines). */
export class Domains {
  /** @param calls the connection's generated procedure wrappers */
  constructor(private readonly calls: RemoteCalls) {}

  /** All domains, running and defined, or those the filter flags select. */
  async listAll(flags: FlagSet<DomainListFlags> = NO_FLAGS): Promise<DomainRef[]> {
    return (await this.calls.connectListAllDomains({ needResults: NEED_RESULTS, flags })).domains;
  }

  /** @throws LibvirtError with a not-found code when no such domain exists */
  lookupByName(name: string): Promise<DomainRef> {
    return this.calls.domainLookupByName({ name });
  }

  /** @throws LibvirtError with a not-found code when no such domain exists */
  lookupByUuid(uuid: string): Promise<DomainRef> {
    return this.calls.domainLookupByUuid({ uuid });
  }

  /**
   * Defines (or redefines) a persistent domain from XML. Uses the flags
   * variant when given flags, falling back to the plain call on daemons that
   * do not know it.
   */
  async define(xml: string, flags: FlagSet<DomainDefineFlags> = NO_FLAGS): Promise<DomainRef> {
    if (flags === NO_FLAGS) return this.calls.domainDefineXml({ xml });
    try {
      return await this.calls.domainDefineXmlFlags({ xml, flags });
    } catch (err) {
      // Daemons before 1.2.12 lack the flags variant; its only flag asks for
      // schema validation, which the plain call skips but otherwise matches.
      if (err instanceof LibvirtError && err.isUnsupported()) return this.define(xml);
      throw err;
    }
  }

  /** The domain's XML; `DomainXmlFlags.Inactive` for the persistent definition. */
  xmlDesc(dom: DomainRef, flags: FlagSet<DomainXmlFlags> = NO_FLAGS): Promise<string> {
    return this.calls.domainGetXmlDesc({ dom, flags });
  }

  /** Starts a defined domain; returns it with its new running id. */
  start(dom: DomainRef, flags: FlagSet<DomainCreateFlags> = NO_FLAGS): Promise<DomainRef> {
    return this.calls.domainCreateWithFlags({ dom, flags });
  }

  /** Asks the guest to shut down (ACPI or agent); returns at once. */
  shutdown(dom: DomainRef, flags: FlagSet<DomainShutdownFlags> = NO_FLAGS): Promise<void> {
    return this.calls.domainShutdownFlags({ dom, flags });
  }

  /** Stops the domain at once (power off). */
  destroy(dom: DomainRef, flags: FlagSet<DomainDestroyFlags> = NO_FLAGS): Promise<void> {
    return this.calls.domainDestroyFlags({ dom, flags });
  }

  /** Removes the persistent definition; `DomainUndefineFlags.Nvram` also removes UEFI variables. */
  undefine(dom: DomainRef, flags: FlagSet<DomainUndefineFlags> = NO_FLAGS): Promise<void> {
    return this.calls.domainUndefineFlags({ dom, flags });
  }

  /** The domain's state and the reason for it. */
  state(dom: DomainRef): Promise<DomainStateInfo> {
    return this.calls.domainGetState({ dom, flags: NO_FLAGS });
  }

  /** State, memory, vCPUs and CPU time. */
  info(dom: DomainRef): Promise<DomainInfo> {
    return this.calls.domainGetInfo({ dom });
  }

  /** Whether the domain is running. */
  isActive(dom: DomainRef): Promise<boolean> {
    return this.calls.domainIsActive({ dom });
  }

  /** Whether the domain starts with the host. */
  getAutostart(dom: DomainRef): Promise<boolean> {
    return this.calls.domainGetAutostart({ dom });
  }

  /** Sets whether the domain starts with the host. */
  setAutostart(dom: DomainRef, autostart: boolean): Promise<void> {
    return this.calls.domainSetAutostart({ dom, autostart });
  }

  /**
   * Sets the balloon target in KiB (`virDomainSetMemoryFlags`). `flags`
   * combine {@link DomainModificationImpact} values, plus
   * {@link DomainMemoryFlags.Maximum} to set the maximum (persistent only).
   */
  setMemory(dom: DomainRef, memoryKiB: bigint, flags: FlagSet<DomainModificationImpact | DomainMemoryFlags>): Promise<void> {
    return this.calls.domainSetMemoryFlags({ dom, memory: memoryKiB, flags });
  }

  /**
   * Grows (or shrinks) a disk of a running domain (`virDomainBlockResize`):
   * QEMU resizes the image it holds open and the guest sees the new size.
   * @param disk the disk's target (`vda`) or its source path
   */
  blockResize(dom: DomainRef, disk: string, bytes: bigint): Promise<void> {
    return this.calls.domainBlockResize({ dom, disk, size: bytes, flags: DomainBlockResizeFlags.Bytes });
  }

  /**
   * Sets the number of online vCPUs (`virDomainSetVcpusFlags`). `flags`
   * combine {@link DomainModificationImpact} values, plus
   * {@link DomainVcpuFlags.Maximum} to set the maximum (persistent only).
   */
  setVcpus(dom: DomainRef, count: number, flags: FlagSet<DomainModificationImpact | DomainVcpuFlags>): Promise<void> {
    return this.calls.domainSetVcpusFlags({ dom, nvcpus: count, flags });
  }

  /**
   * Lets one vCPU run only on the given host CPUs (`virDomainPinVcpuFlags`);
   * all online CPUs ({@link LibvirtConnection.onlineCpus}) undo a pin.
   * `flags` are {@link DomainModificationImpact} values.
   */
  pinVcpu(dom: DomainRef, vcpu: number, cpus: readonly number[], flags: FlagSet<DomainModificationImpact>): Promise<void> {
    return this.calls.domainPinVcpuFlags({ dom, vcpu, cpumap: cpumapOf(cpus), flags });
  }

  /**
   * Sets a disk's I/O limits (`virDomainSetBlockIoTune`), per second; 0
   * removes a limit. libvirt keeps the limits of a family (bytes, iops) the
   * call does not name, and clears the others of a family it names: give
   * every limit of a family to know the outcome.
   * @param disk the disk's target (`vda`) or its source path
   */
  setBlockIoTune(
    dom: DomainRef,
    disk: string,
    limits: Partial<Record<BlockIoTuneParam, number | bigint>>,
    flags: FlagSet<DomainModificationImpact>,
  ): Promise<void> {
    const params = Object.values(BlockIoTuneParam).flatMap((field) => {
      const value = limits[field];
      return value === undefined ? [] : [ullongParam(field, value)];
    });
    return this.calls.domainSetBlockIoTune({ dom, disk, params, flags });
  }

  /** Adds a device given as its XML element (`virDomainAttachDeviceFlags`). */
  attachDevice(dom: DomainRef, xml: string, flags: FlagSet<DomainModificationImpact | DomainDeviceModifyFlags>): Promise<void> {
    return this.calls.domainAttachDeviceFlags({ dom, xml, flags });
  }

  /**
   * Removes the device the XML element identifies (`virDomainDetachDeviceFlags`).
   * A live detach needs the guest's cooperation: libvirt may return before the
   * device is gone, so read the domain again to know.
   */
  detachDevice(dom: DomainRef, xml: string, flags: FlagSet<DomainModificationImpact | DomainDeviceModifyFlags>): Promise<void> {
    return this.calls.domainDetachDeviceFlags({ dom, xml, flags });
  }

  /**
   * Changes a device in place (`virDomainUpdateDeviceFlags`): a display's
   * password, a cdrom's medium. The XML element names the device as a detach
   * would, with the new settings.
   */
  updateDevice(dom: DomainRef, xml: string, flags: FlagSet<DomainModificationImpact | DomainDeviceModifyFlags>): Promise<void> {
    return this.calls.domainUpdateDeviceFlags({ dom, xml, flags });
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
    flags: FlagSet<DomainModificationImpact>,
    key?: string,
    uri?: string,
  ): Promise<void> {
    return this.calls.domainSetMetadata({ dom, type, metadata: value, key, uri, flags });
  }

  /** The guest's interfaces and addresses, from DHCP leases, the guest agent or ARP. */
  interfaceAddresses(dom: DomainRef, source: InterfaceAddressSource): Promise<DomainInterface[]> {
    return this.calls.domainInterfaceAddresses({ dom, source, flags: NO_FLAGS });
  }
}
