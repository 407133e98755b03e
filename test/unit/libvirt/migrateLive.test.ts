/**
 * The order of migrateLive's steps over two fake daemons, the cookies handed
 * from step to step, and how each failure is undone: the sequence libvirt's
 * own client runs for a managed direct migration (virDomainMigrateVersion3Full).
 */
import assert from "node:assert/strict";
import { DomainJobType, LibvirtConnection, MigrationError, migrateLive, PROCEDURES } from "../../../provider/libvirt";
import { encodeRemoteError, Packet, PacketStatus, PacketType, XdrReader } from "../../../provider/rpc";
import { FakeDaemon } from "../../support/fakeDaemon";
import { PacketBuilder } from "../../support/packetBuilder";
import { DOM, domBytes, fakeConnection, xdr } from "./wire";

const BEGIN = 302;
const PREPARE = 303;
const PERFORM = 305;
const FINISH = 306;
const CONFIRM = 307;
const GET_STATE = 212;
const JOB_STATS = 298;
const ABORT_JOB = 164;
const failed = (message: string) => ({ error: { code: 9, domain: 10, message } });

/** The calls after the handshake: procedure numbers in order. */
const callsOf = (d: FakeDaemon, from: number): number[] =>
  d.received
    .slice(from)
    .filter((p) => p.header.type === PacketType.Call && p.header.proc !== 60)
    .map((p) => p.header.proc);

function argsOf<K extends keyof typeof PROCEDURES>(d: FakeDaemon, proc: number, row: K): unknown {
  const packet = d.received.find((p) => p.header.type === PacketType.Call && p.header.proc === proc);
  assert.ok(packet, `procedure ${proc} was called`);
  const codec = PROCEDURES[row] as { args: { read(r: XdrReader): unknown } };
  return codec.args.read(new XdrReader(packet.payload));
}

interface Pair {
  source: LibvirtConnection;
  dest: LibvirtConnection;
  src: FakeDaemon;
  dst: FakeDaemon;
  srcFrom: number;
  dstFrom: number;
}

/** Two fake hosts answering every step successfully; a test overrides what it fails. */
async function pair(): Promise<Pair> {
  const s = await fakeConnection();
  const d = await fakeConnection();
  s.daemon
    .on(BEGIN, () => ({ reply: xdr((w) => w.opaque(Buffer.from("c1")).string("<domain>as begun</domain>")) }))
    .on(GET_STATE, () => ({ reply: xdr((w) => w.int(1).int(1)) }))
    .on(PERFORM, () => ({ reply: xdr((w) => w.opaque(Buffer.from("c3"))) }))
    .on(CONFIRM, () => ({ reply: xdr() }))
    .on(JOB_STATS, () => ({ reply: xdr((w) => w.int(DomainJobType.Unbounded).uint(0)) }));
  d.daemon
    .on(PREPARE, () => ({ reply: xdr((w) => w.opaque(Buffer.from("c2")).uint(1).string("tcp://dest:49152")) }))
    .on(FINISH, () => ({ reply: xdr((w) => domBytes(w).opaque(Buffer.from("c4"))) }));
  return {
    source: s.conn,
    dest: d.conn,
    src: s.daemon,
    dst: d.daemon,
    srcFrom: s.daemon.received.length,
    dstFrom: d.daemon.received.length,
  };
}

async function close(p: Pair): Promise<void> {
  await p.source.close();
  await p.dest.close();
}

describe("migrateLive over two fake hosts", () => {
  it("runs begin, prepare, perform, finish, confirm, handing each cookie to the next", async () => {
    const p = await pair();
    try {
      const result = await migrateLive(p.source, p.dest, DOM, { destinationXml: "<domain>mine</domain>", copyDisks: ["vda"] });
      assert.deepEqual(result.domain, DOM);
      assert.deepEqual(callsOf(p.src, p.srcFrom), [BEGIN, GET_STATE, PERFORM, CONFIRM]);
      assert.deepEqual(callsOf(p.dst, p.dstFrom), [PREPARE, FINISH]);
      const begin = argsOf(p.src, BEGIN, "domainMigrateBegin3Params") as { params: { field: string; value: unknown }[]; flags: number };
      assert.deepEqual(
        begin.params.map((x) => [x.field, x.value]),
        [
          ["destination_xml", "<domain>mine</domain>"],
          ["persistent_xml", "<domain>mine</domain>"],
          ["migrate_disks", "vda"],
        ],
      );
      // LIVE | PERSIST_DEST | UNDEFINE_SOURCE | NON_SHARED_DISK | CHANGE_PROTECTION (the daemon offers it).
      assert.equal(begin.flags, 1 | 8 | 16 | 64 | 256);
      const prepare = argsOf(p.dst, PREPARE, "domainMigratePrepare3Params") as {
        params: { field: string; value: unknown }[];
        cookieIn: Buffer;
      };
      assert.equal(prepare.cookieIn.toString(), "c1");
      assert.deepEqual(
        prepare.params.find((x) => x.field === "destination_xml")?.value,
        "<domain>as begun</domain>",
        "what begin described",
      );
      const perform = argsOf(p.src, PERFORM, "domainMigratePerform3Params") as {
        params: { field: string; value: unknown }[];
        cookieIn: Buffer;
      };
      assert.equal(perform.cookieIn.toString(), "c2");
      assert.equal(perform.params.find((x) => x.field === "migrate_uri")?.value, "tcp://dest:49152", "the URI prepare chose");
      const finish = argsOf(p.dst, FINISH, "domainMigrateFinish3Params") as {
        params: { field: string; value: unknown }[];
        cookieIn: Buffer;
        cancelled: boolean;
      };
      assert.equal(finish.cookieIn.toString(), "c3");
      assert.equal(finish.cancelled, false);
      assert.equal(finish.params.find((x) => x.field === "destination_name")?.value, DOM.name);
      const confirm = argsOf(p.src, CONFIRM, "domainMigrateConfirm3Params") as { cookieIn: Buffer; cancelled: boolean };
      assert.equal(confirm.cookieIn.toString(), "c4");
      assert.equal(confirm.cancelled, false);
    } finally {
      await close(p);
    }
  });

  it("a failed prepare confirms cancelled on the source and never calls finish", async () => {
    const p = await pair();
    try {
      p.dst.on(PREPARE, () => failed("no such disk"));
      const err = await migrateLive(p.source, p.dest, DOM).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "prepare");
      assert.equal(err.runsOn, "source");
      assert.match(err.message, /failed at prepare: no such disk; the domain still runs on/);
      assert.deepEqual(callsOf(p.src, p.srcFrom), [BEGIN, GET_STATE, CONFIRM]);
      assert.deepEqual(callsOf(p.dst, p.dstFrom), [PREPARE]);
      assert.equal((argsOf(p.src, CONFIRM, "domainMigrateConfirm3Params") as { cancelled: boolean }).cancelled, true);
    } finally {
      await close(p);
    }
  });

  it("a failed perform finishes cancelled on the destination and does not confirm", async () => {
    const p = await pair();
    try {
      p.src.on(PERFORM, () => failed("connection refused"));
      p.dst.on(FINISH, () => failed("migration cancelled"));
      const err = await migrateLive(p.source, p.dest, DOM).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "perform");
      assert.equal(err.runsOn, "source");
      assert.deepEqual(err.cleanup, []);
      assert.deepEqual(callsOf(p.src, p.srcFrom), [BEGIN, GET_STATE, PERFORM]);
      assert.deepEqual(callsOf(p.dst, p.dstFrom), [PREPARE, FINISH]);
      assert.equal((argsOf(p.dst, FINISH, "domainMigrateFinish3Params") as { cancelled: boolean }).cancelled, true);
    } finally {
      await close(p);
    }
  });

  it("a failed finish confirms cancelled on the source", async () => {
    const p = await pair();
    try {
      p.dst.on(FINISH, () => failed("guest died"));
      const err = await migrateLive(p.source, p.dest, DOM).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "finish");
      assert.deepEqual(callsOf(p.src, p.srcFrom), [BEGIN, GET_STATE, PERFORM, CONFIRM]);
      assert.equal((argsOf(p.src, CONFIRM, "domainMigrateConfirm3Params") as { cancelled: boolean }).cancelled, true);
    } finally {
      await close(p);
    }
  });

  it("at the timeout aborts the source's job, then finishes cancelled; progress is read meanwhile", async () => {
    const p = await pair();
    try {
      let perform: Packet | undefined;
      p.src.on(PERFORM, (packet) => {
        perform = packet;
        return { silence: true };
      });
      p.src.on(JOB_STATS, () => ({ reply: xdr((w) => w.int(DomainJobType.Unbounded).uint(1).string("data_total").int(4).uhyper(10n)) }));
      p.src.on(ABORT_JOB, () => {
        // The aborted perform answers with its error, as QEMU's driver does.
        const error = encodeRemoteError({ code: 9, domain: 10, message: "operation aborted: migration out job: canceled by client" });
        setImmediate(() => {
          if (perform)
            p.src.send(PacketBuilder.reply(PERFORM).serial(perform.header.serial).withStatus(PacketStatus.Error).raw(error).bytes());
        });
        return { reply: xdr() };
      });
      p.dst.on(FINISH, () => failed("migration cancelled"));
      const seen: bigint[] = [];
      const err = await migrateLive(p.source, p.dest, DOM, {
        timeoutMs: 300,
        progressIntervalMs: 50,
        onProgress: (x) => seen.push(x.totalBytes),
      }).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "perform");
      assert.match(err.message, /not done within the timeout of 300 ms \(operation aborted/);
      assert.ok(seen.length > 0 && seen.every((b) => b === 10n), `progress ${seen.join(",")}`);
      assert.ok(callsOf(p.src, p.srcFrom).includes(ABORT_JOB));
      assert.ok(!callsOf(p.src, p.srcFrom).includes(CONFIRM), "a failed perform is not confirmed");
      assert.equal((argsOf(p.dst, FINISH, "domainMigrateFinish3Params") as { cancelled: boolean }).cancelled, true);
    } finally {
      await close(p);
    }
  });

  it("gives up abortGraceMs past the timeout when the source answers neither perform nor the abort, cancelling on the destination", async () => {
    // libvirt connects to the destination's port itself, the domain locked: a port that drops packets stalls every call on it.
    const p = await pair();
    try {
      p.src.on(PERFORM, () => ({ silence: true }));
      p.src.on(ABORT_JOB, () => ({ silence: true }));
      p.src.on(JOB_STATS, () => ({ silence: true }));
      p.dst.on(FINISH, () => failed("migration cancelled"));
      const t0 = Date.now();
      const err = await migrateLive(p.source, p.dest, DOM, { timeoutMs: 200, abortGraceMs: 200, progressIntervalMs: 50 }).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      const ms = Date.now() - t0;
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "perform");
      assert.equal(err.runsOn, "source");
      assert.match(
        err.message,
        /failed at perform: not done within the timeout of 200 ms, and .* answered neither the abort nor the migration within 200 ms more/,
      );
      assert.match(err.message, /the domain still runs on /);
      assert.ok(ms >= 400 && ms < 3000, `gave up after ${ms} ms`);
      assert.ok(callsOf(p.src, p.srcFrom).includes(ABORT_JOB), "the job was not aborted first");
      assert.ok(!callsOf(p.src, p.srcFrom).includes(CONFIRM), "the stuck source is asked to confirm");
      assert.equal((argsOf(p.dst, FINISH, "domainMigrateFinish3Params") as { cancelled: boolean }).cancelled, true);
    } finally {
      await close(p);
    }
  });

  it("an abort signal during perform aborts the source's job; an aborted signal touches no host", async () => {
    const p = await pair();
    try {
      let perform: Packet | undefined;
      p.src.on(PERFORM, (packet) => {
        perform = packet;
        return { silence: true };
      });
      p.src.on(ABORT_JOB, () => {
        const error = encodeRemoteError({ code: 9, domain: 10, message: "operation aborted" });
        setImmediate(() => {
          if (perform)
            p.src.send(PacketBuilder.reply(PERFORM).serial(perform.header.serial).withStatus(PacketStatus.Error).raw(error).bytes());
        });
        return { reply: xdr() };
      });
      p.dst.on(FINISH, () => failed("migration cancelled"));
      const controller = new AbortController();
      // A long poll interval: the signal itself must wake the watcher.
      const running = migrateLive(p.source, p.dest, DOM, { signal: controller.signal, progressIntervalMs: 60_000 });
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const err = await running.then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(Date.now() - started < 5000, "the abort was acted on at once");
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "perform");
      assert.match(err.message, /aborted by the caller/);
      assert.equal((argsOf(p.dst, FINISH, "domainMigrateFinish3Params") as { cancelled: boolean }).cancelled, true);

      const before = [p.src.received.length, p.dst.received.length];
      const again = await migrateLive(p.source, p.dest, DOM, { signal: controller.signal }).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(again instanceof MigrationError);
      assert.deepEqual([p.src.received.length, p.dst.received.length], before, "no call went out");
    } finally {
      await close(p);
    }
  });

  it("refuses bad options before touching either host", async () => {
    const p = await pair();
    try {
      const err = await migrateLive(p.source, p.dest, DOM, { port: 0 }).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof MigrationError);
      assert.equal(err.step, "options");
      assert.match(err.message, /port must be an integer from 1 to 65535, got 0/);
      assert.deepEqual(callsOf(p.src, p.srcFrom), []);
      assert.deepEqual(callsOf(p.dst, p.dstFrom), []);
    } finally {
      await close(p);
    }
  });
});
