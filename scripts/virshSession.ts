/**
 * libvirt's own C client as the benchmarks' yardstick: one `virsh -c qemu+ssh://`
 * process, one SSH connection, every command fed to it on stdin.
 */
import { spawn } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestHost } from "../test/integration/support/hosts";

/** A wrapper in `dir` that makes libvirt's `ssh` transport check the test known_hosts and use the test key. */
export function sshWrapper(dir: string, host: TestHost): string {
  const path = join(dir, "ssh");
  writeFileSync(
    path,
    `#!/bin/sh\nexec ssh -F /dev/null -i '${host.keyPath}' -o IdentitiesOnly=yes -o UserKnownHostsFile='${host.knownHostsPath}' ` +
      `-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Runs `commands` (one per line) in one virsh session on `host` through `wrapper`; resolves with the bytes printed. */
export async function virshSession(host: TestHost, wrapper: string, commands: readonly string[]): Promise<number> {
  const uri = `qemu+ssh://${host.user}@${host.host}:${host.port}/system?command=${encodeURIComponent(wrapper)}`;
  const child = spawn("virsh", ["-q", "-c", uri], { stdio: ["pipe", "pipe", "inherit"] });
  let bytes = 0;
  child.stdout.on("data", (c: Buffer) => (bytes += c.length));
  child.stdin.end(commands.map((c) => `${c}\n`).join("") + "quit\n");
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`virsh exited with ${code}`);
  return bytes;
}
