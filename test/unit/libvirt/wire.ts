import assert from "node:assert/strict";
import { LibvirtConnection } from "../../../provider/libvirt";
import { PacketType, XdrWriter } from "../../../provider/rpc";
import { duplexPair } from "../../support/duplexPair";
import { FakeDaemon } from "../../support/fakeDaemon";

/*
 * The bytes every typed call must put on the wire, written out by hand from
 * remote_protocol.x so that they check the call layer instead of repeating it.
 * Procedure numbers are literal here on purpose: they are the oracle.
 */

/** XDR bytes built with one chain, e.g. `xdr((w) => w.int(1))`; nothing gives an empty payload. */
export function xdr(build?: (w: XdrWriter) => unknown): Buffer {
  const w = new XdrWriter();
  build?.(w);
  return Buffer.from(w.toBuffer());
}

const UUID = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";
const UUID_BYTES = Buffer.from(UUID.replace(/-/g, ""), "hex");

/** A domain handle (`remote_nonnull_domain`) used by the cases. */
export const DOM = { name: "vm1", uuid: UUID, id: 7 };
/** Writes {@link DOM}: name, 16 UUID bytes, id. */
export const domBytes = (w: XdrWriter): XdrWriter => w.string(DOM.name).fixedOpaque(UUID_BYTES, 16).int(DOM.id);

/** A network handle (`remote_nonnull_network`). */
export const NET = { name: "net1", uuid: UUID };
/** Writes {@link NET}: name, 16 UUID bytes. */
export const netBytes = (w: XdrWriter): XdrWriter => w.string(NET.name).fixedOpaque(UUID_BYTES, 16);

/** A pool handle (`remote_nonnull_storage_pool`): the same layout as a network's. */
export const POOL = { name: "pool1", uuid: UUID };
/** Writes {@link POOL}. */
export const poolBytes = (w: XdrWriter): XdrWriter => w.string(POOL.name).fixedOpaque(UUID_BYTES, 16);

/** A volume handle (`remote_nonnull_storage_vol`). */
export const VOL = { pool: "pool1", name: "a.qcow2", key: "/images/a.qcow2" };
/** Writes {@link VOL}: pool, name, key. */
export const volBytes = (w: XdrWriter): XdrWriter => w.string(VOL.pool).string(VOL.name).string(VOL.key);

/** The UUID of the handles above, in text form. */
export const HANDLE_UUID = UUID;
/** The UUID of the handles above, as the wire carries it. */
export const HANDLE_UUID_BYTES = UUID_BYTES;

/** One typed call: what it sends, what the daemon answers, what the caller gets. */
export interface WireCase {
  /** The call as a reader would name it. */
  name: string;
  /** Makes the call. */
  call(conn: LibvirtConnection): Promise<unknown>;
  /** The procedure number that must go out (remote_procedure in remote_protocol.x). */
  proc: number;
  /** The argument bytes that must go out; none when omitted. */
  args?: (w: XdrWriter) => unknown;
  /** The daemon's reply payload; empty when omitted. */
  reply?: (w: XdrWriter) => unknown;
  /** What the call must resolve to (undefined for calls that return nothing). */
  returns?: unknown;
  /** Procedures that go out first and that the daemon refuses as unknown. */
  refused?: number[];
}

/** Options of the fake daemon's opening handshake. */
export interface FakeOpen {
  /** Whether the daemon says NETWORK_UPDATE takes command before section; default true. */
  documentedOrder?: boolean;
  /** The authentication schemes AUTH_LIST offers; default AUTH_NONE only. */
  auth?: number[];
}

/**
 * Opens a connection to a fake daemon that runs libvirt's handshake:
 * AUTH_LIST offers AUTH_NONE (or what `options.auth` says), AUTH_POLKIT
 * completes, CONNECT_OPEN succeeds, keepalive is refused.
 */
export async function fakeConnection(options: FakeOpen = {}): Promise<{ conn: LibvirtConnection; daemon: FakeDaemon }> {
  const [clientEnd, daemonEnd] = duplexPair();
  const keepaliveFeature = 10;
  const daemon = new FakeDaemon(daemonEnd)
    .on(66, () => ({ reply: xdr((w) => w.array(options.auth ?? [0], (x, a) => x.int(a))) }))
    .on(70, () => ({ reply: xdr((w) => w.int(1)) }))
    .on(1, () => ({ reply: xdr() }))
    .on(60, (p) => ({
      reply: xdr((w) => w.int(p.payload.readInt32BE(0) !== keepaliveFeature && options.documentedOrder !== false ? 1 : 0)),
    }));
  const conn = await LibvirtConnection.open(clientEnd, { uri: "test:///default", keepalive: false });
  return { conn, daemon };
}

/**
 * Runs one case: answers its procedure with its reply, then asserts the one
 * call that went out carried exactly its argument bytes, and what came back.
 */
export async function runWireCase(c: WireCase, options: FakeOpen = {}): Promise<void> {
  const { conn, daemon } = await fakeConnection(options);
  try {
    daemon.on(c.proc, () => ({ reply: xdr(c.reply) }));
    const before = daemon.received.length;
    const result = await c.call(conn);
    const sent = daemon.received.slice(before).filter((p) => p.header.type === PacketType.Call);
    assert.deepEqual(
      sent.map((p) => p.header.proc),
      [...(c.refused ?? []), c.proc],
    );
    assert.deepEqual(sent.at(-1)?.payload, xdr(c.args), "argument bytes");
    assert.deepEqual(result, c.returns);
  } finally {
    await conn.close();
  }
}

/** One mocha test per case. */
export function itSends(cases: WireCase[], options: FakeOpen = {}): void {
  for (const c of cases) it(`${c.name} (procedure ${c.proc})`, () => runWireCase(c, options));
}

/** A secret handle (`remote_nonnull_secret`): an iSCSI CHAP password. */
export const SECRET = { uuid: UUID, usageType: 3, usageId: "pkvm-chap" };
/** Writes {@link SECRET}: 16 UUID bytes, usage type, usage id. */
export const secretBytes = (w: XdrWriter): XdrWriter => w.fixedOpaque(UUID_BYTES, 16).int(SECRET.usageType).string(SECRET.usageId);
