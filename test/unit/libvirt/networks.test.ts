import { NetworkUpdateCommand, NetworkUpdateFlags, NetworkUpdateSection } from "../../../provider/libvirt";
import { HANDLE_UUID_BYTES, itSends, NET, netBytes, WireCase } from "./wire";

const update: Omit<WireCase, "args"> = {
  name: "update",
  call: (c) =>
    c.networks.update(
      NET,
      NetworkUpdateCommand.AddLast,
      NetworkUpdateSection.IpDhcpHost,
      "<host/>",
      NetworkUpdateFlags.Live | NetworkUpdateFlags.Config,
    ),
  proc: 291,
};

describe("typed calls on networks: bytes on the wire", () => {
  itSends([
    {
      name: "listAll",
      call: (c) => c.networks.listAll(),
      proc: 283,
      args: (w) => w.int(1).uint(0),
      reply: (w) => netBytes(w.uint(1)).uint(1),
      returns: [NET],
    },
    {
      name: "lookupByName",
      call: (c) => c.networks.lookupByName("net1"),
      proc: 46,
      args: (w) => w.string("net1"),
      reply: netBytes,
      returns: NET,
    },
    {
      name: "lookupByUuid",
      call: (c) => c.networks.lookupByUuid(NET.uuid),
      proc: 47,
      args: (w) => w.fixedOpaque(HANDLE_UUID_BYTES, 16),
      reply: netBytes,
      returns: NET,
    },
    {
      name: "define",
      call: (c) => c.networks.define("<network/>"),
      proc: 41,
      args: (w) => w.string("<network/>"),
      reply: netBytes,
      returns: NET,
    },
    {
      name: "xmlDesc",
      call: (c) => c.networks.xmlDesc(NET, 1),
      proc: 43,
      args: (w) => netBytes(w).uint(1),
      reply: (w) => w.string("<n/>"),
      returns: "<n/>",
    },
    { name: "start", call: (c) => c.networks.start(NET), proc: 39, args: netBytes },
    { name: "destroy", call: (c) => c.networks.destroy(NET), proc: 42, args: netBytes },
    { name: "undefine", call: (c) => c.networks.undefine(NET), proc: 49, args: netBytes },
    { name: "isActive", call: (c) => c.networks.isActive(NET), proc: 152, args: netBytes, reply: (w) => w.int(1), returns: true },
    {
      name: "bridgeName",
      call: (c) => c.networks.bridgeName(NET),
      proc: 45,
      args: netBytes,
      reply: (w) => w.string("virbr1"),
      returns: "virbr1",
    },
    { name: "getAutostart", call: (c) => c.networks.getAutostart(NET), proc: 44, args: netBytes, reply: (w) => w.int(1), returns: true },
    { name: "setAutostart", call: (c) => c.networks.setAutostart(NET, false), proc: 48, args: (w) => netBytes(w).int(0) },
    { ...update, name: "update (documented order)", args: (w) => netBytes(w).uint(3).uint(4).int(-1).string("<host/>").uint(3) },
    {
      name: "dhcpLeases",
      call: (c) => c.networks.dhcpLeases(NET, "52:54:00:00:00:01"),
      proc: 341,
      args: (w) => netBytes(w).uint(1).string("52:54:00:00:00:01").int(1).uint(0),
      reply: (w) =>
        w
          .uint(1)
          .string("virbr1")
          .hyper(1700000000n)
          .int(0)
          .uint(1)
          .string("52:54:00:00:00:01")
          .uint(0)
          .string("192.168.1.5")
          .uint(24)
          .uint(1)
          .string("guest")
          .uint(0)
          .uint(1),
      returns: [
        {
          iface: "virbr1",
          expiryTime: 1700000000n,
          type: 0,
          mac: "52:54:00:00:00:01",
          iaid: undefined,
          ipAddress: "192.168.1.5",
          prefix: 24,
          hostname: "guest",
          clientId: undefined,
        },
      ],
    },
  ]);

  describe("on a daemon that reads NETWORK_UPDATE's command and section swapped", () => {
    itSends([{ ...update, name: "update (swapped order)", args: (w) => netBytes(w).uint(4).uint(3).int(-1).string("<host/>").uint(3) }], {
      documentedOrder: false,
    });
  });
});
