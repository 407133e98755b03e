/**
 * Starting and stopping a VM, and waiting for its address: the long
 * operations, each reporting progress with elapsed seconds.
 */
import { DomainInterface, DomainRef, InterfaceAddressSource, LibvirtConnection } from "../../libvirt";
import { LibvirtError } from "../../rpc";
import { progress } from "../common/progress";
import { freshAddresses, leaseMarks } from "./leases";
import type { VmSpec } from "./spec";

const KIND = "VirtualMachine";
/** How often a waiting loop reports that it still waits. */
const REPORT_EVERY_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (since: number) => Math.round((Date.now() - since) / 1000);

/** Starts a defined VM. */
export async function startVm(conn: LibvirtConnection, ref: DomainRef, name: string): Promise<void> {
  progress(KIND, name, "starting");
  await conn.domains.start(ref);
}

function ignoreNotRunning(err: unknown): void {
  // The guest may power off between our check and the call.
  if (!(err instanceof LibvirtError && err.isOperationInvalid())) throw err;
}

/** Asks the guest to shut down; returns the daemon's refusal, if any (a guest already off is no refusal). */
async function askShutdown(conn: LibvirtConnection, ref: DomainRef): Promise<LibvirtError | undefined> {
  try {
    await conn.domains.shutdown(ref);
    return undefined;
  } catch (err) {
    if (err instanceof LibvirtError) return err.isOperationInvalid() ? undefined : err;
    throw err;
  }
}

/**
 * Waits for a graceful shutdown: `stopped`, or why not. The request is
 * repeated every few seconds, since a guest still booting misses the first.
 */
async function shutDownGracefully(conn: LibvirtConnection, ref: DomainRef, name: string, timeoutSeconds: number): Promise<string> {
  const began = Date.now();
  progress(KIND, name, `shutting down (waiting up to ${timeoutSeconds} s)`);
  let lastAsk = 0;
  let lastReport = began;
  while (Date.now() - began < timeoutSeconds * 1000) {
    if (Date.now() - lastAsk >= REPORT_EVERY_MS) {
      const refused = await askShutdown(conn, ref);
      if (refused) return `the shutdown request was refused (${refused.message})`;
      lastAsk = Date.now();
    }
    await sleep(250);
    if (!(await conn.domains.isActive(ref))) {
      progress(KIND, name, `shut down after ${seconds(began)} s`);
      return "stopped";
    }
    if (Date.now() - lastReport >= REPORT_EVERY_MS) {
      progress(KIND, name, `still shutting down (${seconds(began)} s)`);
      lastReport = Date.now();
    }
  }
  return `it did not shut down within ${timeoutSeconds} s`;
}

/**
 * Stops a VM: asks the guest to shut down (ACPI), and powers it off when it
 * has not stopped within `timeoutSeconds` (at once for 0): a guest may ignore
 * ACPI, and a stop must not hang.
 */
export async function stopVm(conn: LibvirtConnection, ref: DomainRef, name: string, timeoutSeconds: number): Promise<void> {
  if (!(await conn.domains.isActive(ref))) return;
  const outcome = timeoutSeconds > 0 ? await shutDownGracefully(conn, ref, name, timeoutSeconds) : "shutdownTimeoutSeconds is 0";
  if (outcome === "stopped") return;
  progress(KIND, name, `${outcome}: powering it off`);
  await conn.domains.destroy(ref).catch(ignoreNotRunning);
}

/** Where addresses are read from for a spec. */
export function addressSource(spec: VmSpec): InterfaceAddressSource {
  return spec.waitForIp?.source === "agent" ? InterfaceAddressSource.Agent : InterfaceAddressSource.Lease;
}

/** The guest's interfaces with addresses; none while the daemon cannot tell (no lease yet, agent not up). */
export async function readAddresses(conn: LibvirtConnection, ref: DomainRef, source: InterfaceAddressSource): Promise<DomainInterface[]> {
  try {
    return await conn.domains.interfaceAddresses(ref, source);
  } catch (err) {
    // An agent that is not (yet) running is an answer ("no address yet"), not a failure.
    if (err instanceof LibvirtError) return [];
    throw err;
  }
}

/** Usable addresses: not loopback and not link-local (the agent reports those too). */
export function usableAddresses(interfaces: readonly DomainInterface[]): string[] {
  return interfaces.flatMap((i) => i.addresses.map((a) => a.address)).filter((a) => !/^(127\.|::1$|fe80:|169\.254\.)/i.test(a));
}

/**
 * Waits until the guest has an address, reporting every few seconds. With
 * lease marks taken before the start, only leases the guest asked for since
 * then count (see `leases.ts`).
 * @throws Error (not a LibvirtError: the VM stays as it is) when none came within the timeout
 */
export async function waitForIp(conn: LibvirtConnection, ref: DomainRef, spec: VmSpec, marks?: Map<string, bigint>): Promise<string[]> {
  const wait = spec.waitForIp;
  if (!wait) return [];
  const began = Date.now();
  let lastReport = began;
  progress(KIND, spec.name, `waiting for an IP address (${wait.source}, up to ${wait.timeoutSeconds} s)`);
  for (;;) {
    const found =
      wait.source === "lease" && marks
        ? await freshAddresses(conn, spec, marks)
        : usableAddresses(await readAddresses(conn, ref, addressSource(spec)));
    if (found.length > 0) {
      progress(KIND, spec.name, `got IP address ${found.join(", ")} after ${seconds(began)} s`);
      return found;
    }
    if (Date.now() - began >= wait.timeoutSeconds * 1000) {
      throw new Error(
        `waitForIp: no address from the ${wait.source === "lease" ? "DHCP leases" : "guest agent"} within ${wait.timeoutSeconds} s`,
      );
    }
    if (Date.now() - lastReport >= REPORT_EVERY_MS) {
      progress(KIND, spec.name, `waiting for an IP address (${seconds(began)} s)`);
      lastReport = Date.now();
    }
    await sleep(1_000);
  }
}

/** Starts the VM and, when the spec asks for it, waits for an address the guest asked for after this start. */
export async function bootVm(conn: LibvirtConnection, ref: DomainRef, spec: VmSpec): Promise<void> {
  const marks = spec.waitForIp?.source === "lease" ? await leaseMarks(conn, spec) : undefined;
  await startVm(conn, ref, spec.name);
  await waitForIp(conn, ref, spec, marks);
}
