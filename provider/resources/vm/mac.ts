import { createHash } from "node:crypto";

/**
 * The MAC address a network interface gets when the program gives none:
 * QEMU's 52:54:00 prefix and three bytes of a hash of the VM name and the
 * interface's slot. Derived, not random, so every run computes the same
 * address and the diff settles; libvirt would otherwise invent one per define.
 * @param vmName the domain's name
 * @param slot what the interface is plugged into and which of the VM's
 *   interfaces without a MAC there it is (`network:lab#0`), so adding or
 *   moving an interface elsewhere never changes this one's address
 */
export function generatedMac(vmName: string, slot: string): string {
  const digest = createHash("sha256").update(`${vmName}\u0000${slot}`).digest();
  return ["52", "54", "00", ...[...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}
