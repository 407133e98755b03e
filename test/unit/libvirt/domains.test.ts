import { DomainModificationImpact, DomainState, DomainXmlFlags } from "../../../provider/libvirt";
import { DOM, domBytes, HANDLE_UUID_BYTES, itSends, runWireCase } from "./wire";

describe("typed calls on domains: bytes on the wire", () => {
  itSends([
    {
      name: "listAll",
      call: (c) => c.domains.listAll(),
      proc: 273,
      args: (w) => w.int(1).uint(0),
      reply: (w) => domBytes(w.uint(1)).uint(1),
      returns: [DOM],
    },
    {
      name: "lookupByName",
      call: (c) => c.domains.lookupByName("vm1"),
      proc: 23,
      args: (w) => w.string("vm1"),
      reply: domBytes,
      returns: DOM,
    },
    {
      name: "lookupByUuid",
      call: (c) => c.domains.lookupByUuid(DOM.uuid),
      proc: 24,
      args: (w) => w.fixedOpaque(HANDLE_UUID_BYTES, 16),
      reply: domBytes,
      returns: DOM,
    },
    {
      name: "define without flags",
      call: (c) => c.domains.define("<domain/>"),
      proc: 11,
      args: (w) => w.string("<domain/>"),
      reply: domBytes,
      returns: DOM,
    },
    {
      name: "define with flags",
      call: (c) => c.domains.define("<domain/>", 1),
      proc: 350,
      args: (w) => w.string("<domain/>").uint(1),
      reply: domBytes,
      returns: DOM,
    },
    {
      name: "xmlDesc",
      call: (c) => c.domains.xmlDesc(DOM, DomainXmlFlags.Secure | DomainXmlFlags.Inactive),
      proc: 14,
      args: (w) => domBytes(w).uint(3),
      reply: (w) => w.string("<d/>"),
      returns: "<d/>",
    },
    { name: "start", call: (c) => c.domains.start(DOM), proc: 196, args: (w) => domBytes(w).uint(0), reply: domBytes, returns: DOM },
    { name: "shutdown", call: (c) => c.domains.shutdown(DOM, 1), proc: 258, args: (w) => domBytes(w).uint(1) },
    { name: "destroy", call: (c) => c.domains.destroy(DOM), proc: 234, args: (w) => domBytes(w).uint(0) },
    { name: "undefine", call: (c) => c.domains.undefine(DOM, 4), proc: 231, args: (w) => domBytes(w).uint(4) },
    {
      name: "state",
      call: (c) => c.domains.state(DOM),
      proc: 212,
      args: (w) => domBytes(w).uint(0),
      reply: (w) => w.int(5).int(1),
      returns: { state: DomainState.Shutoff, reason: 1 },
    },
    {
      name: "info",
      call: (c) => c.domains.info(DOM),
      proc: 16,
      args: domBytes,
      reply: (w) => w.uint(1).uhyper(2048n).uhyper(1024n).uint(2).uhyper(99n),
      returns: { state: DomainState.Running, maxMemKiB: 2048n, memoryKiB: 1024n, vcpus: 2, cpuTimeNs: 99n },
    },
    { name: "isActive", call: (c) => c.domains.isActive(DOM), proc: 150, args: domBytes, reply: (w) => w.int(1), returns: true },
    { name: "getAutostart", call: (c) => c.domains.getAutostart(DOM), proc: 15, args: domBytes, reply: (w) => w.int(0), returns: false },
    { name: "setAutostart", call: (c) => c.domains.setAutostart(DOM, true), proc: 29, args: (w) => domBytes(w).int(1) },
    {
      name: "setMemory",
      call: (c) => c.domains.setMemory(DOM, 4096n, DomainModificationImpact.Live | DomainModificationImpact.Config),
      proc: 204,
      args: (w) => domBytes(w).uhyper(4096n).uint(3),
    },
    {
      name: "blockResize",
      call: (c) => c.domains.blockResize(DOM, "vdb", 134217728n),
      proc: 251,
      args: (w) => domBytes(w).string("vdb").uhyper(134217728n).uint(1),
    },
    { name: "setVcpus", call: (c) => c.domains.setVcpus(DOM, 4, 1), proc: 199, args: (w) => domBytes(w).uint(4).uint(1) },
    {
      // CPUs 1, 3 and 9: bits 1 and 3 of the first byte, bit 1 of the second; a length word, padding to 4.
      name: "pinVcpu",
      call: (c) => c.domains.pinVcpu(DOM, 2, [9, 1, 3], DomainModificationImpact.Live | DomainModificationImpact.Config),
      proc: 225,
      args: (w) =>
        domBytes(w)
          .uint(2)
          .opaque(Buffer.from([0b1010, 0b10]))
          .uint(3),
    },
    {
      name: "attachDevice",
      call: (c) => c.domains.attachDevice(DOM, "<disk/>", 2),
      proc: 160,
      args: (w) => domBytes(w).string("<disk/>").uint(2),
    },
    {
      name: "detachDevice",
      call: (c) => c.domains.detachDevice(DOM, "<disk/>", 1),
      proc: 161,
      args: (w) => domBytes(w).string("<disk/>").uint(1),
    },
    {
      name: "updateDevice",
      call: (c) => c.domains.updateDevice(DOM, "<graphics/>", DomainModificationImpact.Live | DomainModificationImpact.Config),
      proc: 174,
      args: (w) => domBytes(w).string("<graphics/>").uint(3),
    },
    {
      name: "setMetadata (element, with key and namespace)",
      call: (c) => c.domains.setMetadata(DOM, 2, "<x/>", 2, "app", "urn:app"),
      proc: 264,
      args: (w) => domBytes(w).int(2).uint(1).string("<x/>").uint(1).string("app").uint(1).string("urn:app").uint(2),
    },
    {
      name: "setMetadata (removing the description)",
      call: (c) => c.domains.setMetadata(DOM, 0, undefined, 1),
      proc: 264,
      args: (w) => domBytes(w).int(0).uint(0).uint(0).uint(0).uint(1),
    },
    {
      name: "interfaceAddresses",
      call: (c) => c.domains.interfaceAddresses(DOM, 1),
      proc: 353,
      args: (w) => domBytes(w).uint(1).uint(0),
      reply: (w) =>
        w
          .uint(2)
          .string("vnet0")
          .uint(1)
          .string("52:54:00:00:00:01")
          .uint(1)
          .int(0)
          .string("192.168.1.5")
          .uint(24)
          .string("lo")
          .uint(0)
          .uint(0),
      returns: [
        { name: "vnet0", hwaddr: "52:54:00:00:00:01", addresses: [{ type: 0, address: "192.168.1.5", prefix: 24 }] },
        { name: "lo", hwaddr: undefined, addresses: [] },
      ],
    },
  ]);

  it("define falls back to the plain call on a daemon without the flags variant", () =>
    runWireCase({
      name: "define",
      call: (c) => c.domains.define("<domain/>", 1),
      refused: [350],
      proc: 11,
      args: (w) => w.string("<domain/>"),
      reply: domBytes,
      returns: DOM,
    }));
});
