/**
 * The bytes of the migration steps, job statistics and job abort against
 * remote_protocol.x:
 *
 *   struct remote_domain_migrate_begin3_params_args { remote_nonnull_domain dom;
 *     remote_typed_param params<REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX>; unsigned int flags; };
 *   struct remote_domain_migrate_begin3_params_ret { opaque cookie_out<REMOTE_MIGRATE_COOKIE_MAX>; remote_nonnull_string xml; };
 *   struct remote_domain_migrate_prepare3_params_args { remote_typed_param params<…>; opaque cookie_in<…>; unsigned int flags; };
 *   struct remote_domain_migrate_prepare3_params_ret { opaque cookie_out<…>; remote_string uri_out; };
 *   struct remote_domain_migrate_perform3_params_args { remote_nonnull_domain dom; remote_string dconnuri;
 *     remote_typed_param params<…>; opaque cookie_in<…>; unsigned int flags; };
 *   struct remote_domain_migrate_perform3_params_ret { opaque cookie_out<…>; };
 *   struct remote_domain_migrate_finish3_params_args { remote_typed_param params<…>; opaque cookie_in<…>;
 *     unsigned int flags; int cancelled; };
 *   struct remote_domain_migrate_finish3_params_ret { remote_nonnull_domain dom; opaque cookie_out<…>; };
 *   struct remote_domain_migrate_confirm3_params_args { remote_nonnull_domain dom; remote_typed_param params<…>;
 *     opaque cookie_in<…>; unsigned int flags; int cancelled; };
 *   struct remote_domain_get_job_stats_args { remote_nonnull_domain dom; unsigned int flags; };
 *   struct remote_domain_get_job_stats_ret { int type; remote_typed_param params<REMOTE_DOMAIN_JOB_STATS_MAX>; };
 *   struct remote_domain_abort_job_args { remote_nonnull_domain dom; };
 *
 * Procedures: BEGIN3_PARAMS 302, PREPARE3_PARAMS 303, PERFORM3_PARAMS 305,
 * FINISH3_PARAMS 306, CONFIRM3_PARAMS 307, GET_JOB_STATS 298, ABORT_JOB 164.
 * Flags (libvirt-domain.h): LIVE 1, PERSIST_DEST 8, UNDEFINE_SOURCE 16,
 * NON_SHARED_DISK 64, CHANGE_PROTECTION 256. A typed parameter is its name,
 * then its type (7 string, 4 unsigned long long, 1 int) and value.
 */
import assert from "node:assert/strict";
import {
  DomainJobStat,
  DomainJobType,
  MigrateFlags,
  migrationOptionProblems,
  progressOf,
  TypedParam,
  TypedParamType,
} from "../../../provider/libvirt";
import { XdrWriter } from "../../../provider/rpc";
import { DOM, domBytes, itSends } from "./wire";

const COOKIE_A = Buffer.from("cookie-from-begin");
const COOKIE_B = Buffer.from("cookie-from-prepare");
const URI: TypedParam = { field: "migrate_uri", type: TypedParamType.String, value: "tcp://10.0.0.2" };
const DISK: TypedParam = { field: "migrate_disks", type: TypedParamType.String, value: "vda" };
/** `migrate_uri` = "tcp://10.0.0.2", then `migrate_disks` = "vda", by hand. */
const paramBytes = (w: XdrWriter): XdrWriter =>
  w.uint(2).string("migrate_uri").int(7).string("tcp://10.0.0.2").string("migrate_disks").int(7).string("vda");
const FLAGS =
  MigrateFlags.Live | MigrateFlags.PersistDest | MigrateFlags.UndefineSource | MigrateFlags.NonSharedDisk | MigrateFlags.ChangeProtection;

describe("migration calls: bytes on the wire", () => {
  it("numbers the flags as libvirt-domain.h does", () => {
    assert.equal(FLAGS, 1 + 8 + 16 + 64 + 256);
  });

  itSends([
    {
      name: "begin",
      call: (c) => c.migration.begin(DOM, [URI, DISK], FLAGS),
      proc: 302,
      args: (w) => paramBytes(domBytes(w)).uint(345),
      reply: (w) => w.opaque(COOKIE_A).string("<domain/>"),
      returns: { cookie: COOKIE_A, xml: "<domain/>" },
    },
    {
      name: "prepare, the destination choosing the URI",
      call: (c) => c.migration.prepare([URI, DISK], COOKIE_A, FLAGS),
      proc: 303,
      args: (w) => paramBytes(w).opaque(COOKIE_A).uint(345),
      reply: (w) => w.opaque(COOKIE_B).uint(1).string("tcp://b:49152"),
      returns: { cookie: COOKIE_B, uri: "tcp://b:49152" },
    },
    {
      name: "prepare, no URI back",
      call: (c) => c.migration.prepare([], Buffer.alloc(0), MigrateFlags.Live),
      proc: 303,
      args: (w) => w.uint(0).opaque(Buffer.alloc(0)).uint(1),
      reply: (w) => w.opaque(COOKIE_B).uint(0),
      returns: { cookie: COOKIE_B },
    },
    {
      name: "perform, without a destination libvirt URI (not peer-to-peer)",
      call: (c) => c.migration.perform(DOM, [URI, DISK], COOKIE_B, FLAGS),
      proc: 305,
      args: (w) => paramBytes(domBytes(w).uint(0)).opaque(COOKIE_B).uint(345),
      reply: (w) => w.opaque(COOKIE_A),
      returns: COOKIE_A,
    },
    {
      name: "finish",
      call: (c) => c.migration.finish([URI, DISK], COOKIE_A, FLAGS, false),
      proc: 306,
      args: (w) => paramBytes(w).opaque(COOKIE_A).uint(345).int(0),
      reply: (w) => domBytes(w).opaque(COOKIE_B),
      returns: { dom: DOM, cookie: COOKIE_B },
    },
    {
      name: "finish, cancelled",
      call: (c) => c.migration.finish([], COOKIE_A, MigrateFlags.Live, true),
      proc: 306,
      args: (w) => w.uint(0).opaque(COOKIE_A).uint(1).int(1),
      reply: (w) => domBytes(w).opaque(Buffer.alloc(0)),
      returns: { dom: DOM, cookie: Buffer.alloc(0) },
    },
    {
      name: "confirm, cancelled",
      call: (c) => c.migration.confirm(DOM, [URI, DISK], COOKIE_B, FLAGS, true),
      proc: 307,
      args: (w) => paramBytes(domBytes(w)).opaque(COOKIE_B).uint(345).int(1),
    },
    {
      name: "jobStats",
      call: (c) => c.domains.jobStats(DOM),
      proc: 298,
      args: (w) => domBytes(w).uint(0),
      reply: (w) => w.int(2).uint(1).string("data_total").int(4).uhyper(5n),
      returns: { type: DomainJobType.Unbounded, params: [{ field: "data_total", type: TypedParamType.Ullong, value: 5n }] },
    },
    { name: "abortJob", call: (c) => c.domains.abortJob(DOM), proc: 164, args: domBytes },
  ]);
});

describe("migration progress and options", () => {
  const ullong = (field: DomainJobStat, value: bigint): TypedParam => ({ field, type: TypedParamType.Ullong, value });

  it("reads the percent, remaining bytes and rate from a running job's statistics", () => {
    const progress = progressOf({
      type: DomainJobType.Unbounded,
      params: [
        ullong(DomainJobStat.TimeElapsed, 1500n),
        ullong(DomainJobStat.DataTotal, 400n),
        ullong(DomainJobStat.DataProcessed, 100n),
        ullong(DomainJobStat.DataRemaining, 300n),
        ullong(DomainJobStat.MemoryBps, 10n),
        ullong(DomainJobStat.DiskBps, 5n),
      ],
    });
    assert.deepEqual(progress, {
      percent: 25,
      totalBytes: 400n,
      processedBytes: 100n,
      remainingBytes: 300n,
      bytesPerSecond: 15n,
      elapsedMs: 1500,
    });
  });

  it("reports no progress without a running job, and no percent without a total", () => {
    assert.equal(progressOf({ type: DomainJobType.None, params: [] }), undefined);
    assert.equal(progressOf({ type: DomainJobType.Completed, params: [ullong(DomainJobStat.DataTotal, 1n)] }), undefined);
    assert.equal(progressOf({ type: DomainJobType.Bounded, params: [] })?.percent, undefined);
  });

  it("names each bad option and its rule", () => {
    assert.deepEqual(migrationOptionProblems({}), []);
    const problems = migrationOptionProblems({
      port: 70000,
      copyDisks: ["vda", "vda", "a b"],
      disksPort: 0,
      timeoutMs: -1,
      bandwidthMiBps: 1.5,
      address: "tcp://x",
    });
    for (const expected of [
      /^address must be a host name or an IP address/,
      /^port must be an integer from 1 to 65535, got 70000$/,
      /^disksPort must be an integer from 1 to 65535, got 0$/,
      /^copyDisks must hold disk targets such as "vda", got "a b"$/,
      /^copyDisks must not name a disk twice$/,
      /^bandwidthMiBps must be a positive integer, got 1.5$/,
      /^timeoutMs must be a positive integer, got -1$/,
    ]) {
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${String(expected)} in ${problems.join(" | ")}`,
      );
    }
    assert.deepEqual(migrationOptionProblems({ port: 49152 }), ["port needs address: the migration URI names both"]);
    assert.deepEqual(migrationOptionProblems({ abortGraceMs: 0 }), ["abortGraceMs must be a positive integer, got 0"]);
  });
});
