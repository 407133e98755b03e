/**
 * What the tests of a VM moving from host A to host B share: keeping the
 * domain ids of the two hosts apart, and the VM's state as virsh tells it.
 */
import { TestHost, testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";

/**
 * Host A and B share this machine's cgroup tree, where a running guest lives in
 * `qemu-<id>-<name>`: the migrating VM has its name on both hosts at once, so host B's
 * next domain id must differ from its id on A. A paused throwaway domain on B (named
 * `<tag>-probe`) takes an id (and another, if that would be the one).
 */
export async function keepDomainIdsApart(vm: string, tag: string): Promise<void> {
  const { a, b } = testHosts();
  const idOnA = Number((await virsh(a, ["domid", vm])).trim());
  const probe = `<domain type='qemu'><name>${tag}-probe</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type></os></domain>`;
  for (let i = 0; i < 2; i++) {
    await virsh(b, ["create", "--paused", "/dev/stdin"], { input: probe });
    const probeId = Number((await virsh(b, ["domid", `${tag}-probe`])).trim());
    await virsh(b, ["destroy", `${tag}-probe`]);
    if (probeId + 1 !== idOnA) return;
  }
}

/** The domain's state on `host` (`running`, `shut off`, …), or undefined when the host has no such domain. */
export function domainState(host: TestHost, vm: string): Promise<string | undefined> {
  return virsh(host, ["domstate", vm]).then(
    (s) => s.trim(),
    () => undefined,
  );
}
