import { createHash } from "node:crypto";

/**
 * The MAC address a network interface gets when the program gives none:
 * QEMU's 52:54:00 prefix and three bytes of a hash of the VM name and the
 * interface's position. Derived, not random, so every run computes the same
 * address and the diff settles; libvirt would otherwise invent one per define.
 * @param vmName the domain's name
 * @param index the interface's position in `networkInterfaces`
 */
export function generatedMac(vmName: string, index: number): string {
  const digest = createHash("sha256").update(`${vmName}\u0000${index}`).digest();
  return ["52", "54", "00", ...[0, 1, 2].map((i) => digest[i].toString(16).padStart(2, "0"))].join(":");
}
