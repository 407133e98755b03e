import { PoolState } from "../../../provider/libvirt";
import { HANDLE_UUID_BYTES, itSends, POOL, poolBytes } from "./wire";

describe("typed calls on storage pools: bytes on the wire", () => {
  itSends([
    {
      name: "listAll",
      call: (c) => c.pools.listAll(),
      proc: 281,
      args: (w) => w.int(1).uint(0),
      reply: (w) => poolBytes(w.uint(1)).uint(1),
      returns: [POOL],
    },
    {
      name: "lookupByName",
      call: (c) => c.pools.lookupByName("pool1"),
      proc: 84,
      args: (w) => w.string("pool1"),
      reply: poolBytes,
      returns: POOL,
    },
    {
      name: "lookupByUuid",
      call: (c) => c.pools.lookupByUuid(POOL.uuid),
      proc: 85,
      args: (w) => w.fixedOpaque(HANDLE_UUID_BYTES, 16),
      reply: poolBytes,
      returns: POOL,
    },
    {
      name: "define",
      call: (c) => c.pools.define("<pool/>"),
      proc: 77,
      args: (w) => w.string("<pool/>").uint(0),
      reply: poolBytes,
      returns: POOL,
    },
    {
      name: "xmlDesc",
      call: (c) => c.pools.xmlDesc(POOL, 1),
      proc: 88,
      args: (w) => poolBytes(w).uint(1),
      reply: (w) => w.string("<p/>"),
      returns: "<p/>",
    },
    { name: "build", call: (c) => c.pools.build(POOL), proc: 79, args: (w) => poolBytes(w).uint(0) },
    { name: "start", call: (c) => c.pools.start(POOL, 1), proc: 78, args: (w) => poolBytes(w).uint(1) },
    { name: "refresh", call: (c) => c.pools.refresh(POOL), proc: 83, args: (w) => poolBytes(w).uint(0) },
    { name: "destroy", call: (c) => c.pools.destroy(POOL), proc: 80, args: poolBytes },
    { name: "delete", call: (c) => c.pools.delete(POOL), proc: 81, args: (w) => poolBytes(w).uint(0) },
    { name: "undefine", call: (c) => c.pools.undefine(POOL), proc: 82, args: poolBytes },
    {
      name: "info",
      call: (c) => c.pools.info(POOL),
      proc: 87,
      args: poolBytes,
      reply: (w) => w.uint(2).uhyper(100n).uhyper(40n).uhyper(60n),
      returns: { state: PoolState.Running, capacity: 100n, allocation: 40n, available: 60n },
    },
    { name: "isActive", call: (c) => c.pools.isActive(POOL), proc: 154, args: poolBytes, reply: (w) => w.int(0), returns: false },
    { name: "getAutostart", call: (c) => c.pools.getAutostart(POOL), proc: 89, args: poolBytes, reply: (w) => w.int(1), returns: true },
    { name: "setAutostart", call: (c) => c.pools.setAutostart(POOL, true), proc: 90, args: (w) => poolBytes(w).int(1) },
  ]);
});
