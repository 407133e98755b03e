/**
 * The two test hosts as the XML tests use them, over the shared helpers
 * (`../support/hosts`, `../support/virsh`): `virsh` through OpenSSH, every
 * argument quoted, XML passed on standard input.
 */
import { allTestHosts } from "../support/hosts";
import { RemoteCommandError, virsh } from "../support/virsh";

/** One libvirt host as the XML tests use it. */
export interface XmlTestHost {
  /** `A` or `B`. */
  label: "A" | "B";
  /** 0 for A, 1 for B: picks distinct bridges and subnets per host. */
  index: number;
  /** Domain type to define (`qemu` where there is no KVM). */
  domainType: string;
  /** Folder with the guest's vmlinuz, initrd.img, initrd-agent.img and disk.img, as the host sees it. */
  guestDir: string;
  /** Runs `virsh ARGS…` on the host, `input` on its stdin; resolves stdout, rejects on failure. */
  virsh(args: string[], input?: string): Promise<string>;
}

/**
 * Both hosts, A first, from the `KVM_TEST_*` variables (`npm test` sets
 * them; by hand, `eval "$(scripts/test-hosts env)"`).
 * @throws when a variable is missing: integration tests never skip.
 */
export function xmlTestHosts(): XmlTestHost[] {
  return allTestHosts().map((h, index) => ({
    label: h.name,
    index,
    domainType: h.domainType,
    guestDir: h.guestDir,
    virsh: (args: string[], input?: string) => retryConnection(() => virsh(h, args, { input })),
  }));
}

/**
 * Retries a command whose ssh connection failed (exit 255, ssh's own code:
 * sshd drops connections at random under load, see MaxStartups). virsh
 * itself exits 1, and such failures are returned as they are.
 */
async function retryConnection(run: () => Promise<string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof RemoteCommandError && e.code === 255) || attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

/**
 * A short token unique to this test process, put in every object name, so
 * two test runs sharing the hosts never touch each other's objects.
 */
export const RUN_TOKEN = (process.pid % 1296).toString(36).padStart(2, "0");

/** Awaits a cleanup step, ignoring failure (the object may already be gone). */
export async function quietly(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch {
    // Cleanup of something that may not exist (already undefined, never created).
  }
}
