/**
 * What tests that move a running guest from host A to host B share: keeping
 * its domain id on B apart from the one on A, finding the stamp the test guest
 * writes into its boot disk, the uptime counter it prints on its console, and
 * what virsh finds of a stack on each host.
 */
import { readFileSync } from "node:fs";
import { TestHost } from "./hosts";
import { RemoteCommandError, virsh } from "./virsh";

/**
 * Host A and B share this machine's cgroup tree, where a running guest lives in
 * `qemu-<id>-<name>`: the migrating VM has its name on both hosts at once, so host B's
 * next domain id must differ from its id on A. A paused throwaway domain on B (named
 * `probe`) takes an id (and another, if that would be the one).
 */
export async function keepDomainIdsApart(a: TestHost, b: TestHost, vm: string, probe: string): Promise<void> {
  const idOnA = Number((await virsh(a, ["domid", vm])).trim());
  const xml = `<domain type='qemu'><name>${probe}</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type></os></domain>`;
  for (let i = 0; i < 2; i++) {
    await virsh(b, ["create", "--paused", "/dev/stdin"], { input: xml });
    const probeId = Number((await virsh(b, ["domid", probe])).trim());
    await virsh(b, ["destroy", probe]);
    if (probeId + 1 !== idOnA) return;
  }
}

/** The guest's stamp (`pkvm-stamp HOSTNAME UPTIME`) at the start of a raw image's last MiB, if any. */
export function stampIn(image: Buffer): string | undefined {
  return /pkvm-stamp [^\n\0]*/.exec(image.subarray(-1024 * 1024, -1024 * 1024 + 512).toString("latin1"))?.[0];
}

/**
 * The values of the guest's uptime counter (`guest: up SECONDS`, every 2 s) in
 * console text, in order. Only whole lines count: the text's last line, not
 * yet ended (or cut by a migration), is left out.
 */
export function uptimeCounter(text: string): number[] {
  const lines = text.split(/\r?\n/).slice(0, -1);
  return lines.flatMap((l) => {
    const m = /guest: up (\d+)$/.exec(l);
    return m ? [Number(m[1])] : [];
  });
}

/** Reads a file, or "" while it does not exist. */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Waits until the console file holds `count` values of the uptime counter; returns the file's text. */
export async function waitForUptimes(file: string, count: number, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readOrEmpty(file);
    if (uptimeCounter(text).length >= count) return text;
    if (Date.now() > deadline) throw new Error(`console ${file} has fewer than ${count} "guest: up" lines:\n${text.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The domain's state on `host` (`running`, `shut off`, …), or undefined when the host has no such domain. */
export function domainState(host: TestHost, vm: string): Promise<string | undefined> {
  return virsh(host, ["domstate", vm]).then(
    (state) => state.trim(),
    () => undefined,
  );
}

/** Whether virsh on `host` finds what `args` asks about (`["net-info", name]`): false on a not-found answer, any other failure thrown. */
export function exists(host: TestHost, args: string[]): Promise<boolean> {
  return virsh(host, args).then(
    () => true,
    (err: unknown) => {
      if (err instanceof RemoteCommandError && /not found|no .* with matching|failed to get/i.test(err.stderr)) return false;
      throw err;
    },
  );
}

/** The names of the volumes virsh finds in `pool` on `host` (none when the pool is not there). */
export async function volumesIn(host: TestHost, pool: string): Promise<string[]> {
  // The table's rows (virsh -q prints no header): name, then path.
  const out = await virsh(host, ["vol-list", "--pool", pool]).catch((err: unknown) => {
    if (err instanceof RemoteCommandError && /not found|no storage pool/i.test(err.stderr)) return "";
    throw err;
  });
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((l) => l.length > 0);
}
