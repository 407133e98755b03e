/**
 * The libvirt secret that holds an `iscsi-direct` pool's CHAP password. The
 * provider owns one per pool: private (libvirt never gives the value back),
 * named by a usage id made from the pool's name, marked as this provider's by
 * its description, written before the pool is defined and removed with it.
 */
import { LibvirtConnection, SecretRef, SecretUsageType } from "../../libvirt";
import { LibvirtError } from "../../rpc";
import { buildSecretXml, parseSecretXml } from "../../xml";
import { ignoringGone, unlessGone } from "../common/gone";
import { progress } from "../common/progress";

/**
 * The usage id of a pool's CHAP secret: the pool's name, unique on the host,
 * with a suffix saying what it holds (a test pool's `pkvm-…` gives `pkvm-…-chap`).
 */
export function chapSecretUsage(poolName: string): string {
  return `${poolName}-chap`;
}

/** The description that marks a secret as this provider's, for the pool it serves. */
function chapSecretDescription(poolName: string): string {
  return `CHAP password of the iscsi-direct storage pool ${poolName} (pulumi-kvm)`;
}

/** The pool's CHAP secret when it is there and this provider's; undefined when there is none. */
async function findOwn(conn: LibvirtConnection, poolName: string): Promise<{ ref: SecretRef; own: boolean } | undefined> {
  const ref = await unlessGone(conn.secrets.lookupByUsage(SecretUsageType.Iscsi, chapSecretUsage(poolName)));
  if (!ref) return undefined;
  const doc = parseSecretXml(await conn.secrets.xmlDesc(ref));
  return { ref, own: doc.description === chapSecretDescription(poolName) };
}

/** Whether the pool's CHAP secret is on the host (the pool cannot start without it). */
export async function hasChapSecret(conn: LibvirtConnection, poolName: string): Promise<boolean> {
  return (await findOwn(conn, poolName))?.own === true;
}

/**
 * Makes the pool's CHAP secret hold `password`: defines it when missing (one a
 * crashed run left is reused), else sets its value in place. A secret defined
 * here whose value the daemon refuses is removed again, so none is left behind.
 * @throws Error when a secret with the usage id exists that this provider did not make
 */
export async function putChapSecret(conn: LibvirtConnection, poolName: string, password: string): Promise<{ created: boolean }> {
  const usage = chapSecretUsage(poolName);
  const found = await findOwn(conn, poolName);
  if (found && !found.own) {
    throw new Error(
      `a libvirt secret with usage "${usage}" (UUID ${found.ref.uuid}) exists on the host and was not made for this pool's CHAP password: ` +
        `remove it or give the pool another name`,
    );
  }
  let ref = found?.ref;
  const created = ref === undefined;
  if (!ref) {
    progress("StoragePool", poolName, "defining the secret that holds the CHAP password");
    ref = await conn.secrets.define(
      buildSecretXml({
        ephemeral: false,
        private: true,
        description: chapSecretDescription(poolName),
        usage: { type: "iscsi", target: usage },
      }),
    );
  }
  try {
    await conn.secrets.setValue(ref, Buffer.from(password, "utf8"));
  } catch (err) {
    // Refused: the secret made just now goes again. A dropped link leaves it for the next run, which reuses it.
    if (created && err instanceof LibvirtError) await ignoringGone(conn.secrets.undefine(ref)).catch(() => undefined);
    throw err;
  }
  return { created };
}

/** Removes the pool's CHAP secret if it is there and this provider's; one made by someone else stays. */
export async function removeChapSecret(conn: LibvirtConnection, poolName: string): Promise<void> {
  const found = await findOwn(conn, poolName);
  if (found?.own) await ignoringGone(conn.secrets.undefine(found.ref));
}
