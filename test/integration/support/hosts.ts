/**
 * The two test hypervisors, as described by the environment that
 * `scripts/test-hosts env` prints (and `npm test` sets).
 *
 * Integration tests never skip: a missing variable is an error that says how
 * to get the hosts, not a reason to pass quietly.
 */

/** One test hypervisor as the tests reach it. */
export interface TestHost {
  /** "A" (the machine's own libvirtd, also behind the local socket) or "B". */
  name: "A" | "B";
  /** SSH login. */
  user: string;
  /** SSH server address. */
  host: string;
  /** SSH server port. */
  port: number;
  /** Client private key file. */
  keyPath: string;
  /** known_hosts file holding both hosts' keys (as `[host]:port` entries). */
  knownHostsPath: string;
  /** Hypervisor URI on the host, e.g. `qemu:///system`. */
  uri: string;
  /** Domain type for test guests: `qemu` (software emulation) unless set otherwise. */
  domainType: string;
  /** Folder, as the hosts see it, holding the guest image (`vmlinuz`, `initrd.img`, `initrd-agent.img`, `disk.img`). */
  guestDir: string;
}

const HOW = 'run through `npm test`, or eval "$(scripts/test-hosts env)" first';

/** Reads a variable the hosts' environment must hold; a missing one fails, saying how to get it. */
export function need(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: ${HOW}`);
  return value;
}

function login(env: NodeJS.ProcessEnv, name: TestHost["name"], variable: string): Pick<TestHost, "name" | "user" | "host" | "port"> {
  const value = need(env, variable);
  const m = /^([^@\s]+)@([^:\s]+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) {
    throw new Error(`${variable}=${value} is not of the form user@host:port (${HOW})`);
  }
  return { name, user: m[1], host: m[2], port: Number(m[3]) };
}

/**
 * Hosts A and B from the `KVM_TEST_*` variables.
 * @throws when a variable is missing or malformed, naming it.
 */
export function testHosts(env: NodeJS.ProcessEnv = process.env): { a: TestHost; b: TestHost } {
  const common = {
    keyPath: need(env, "KVM_TEST_SSH_KEY"),
    knownHostsPath: need(env, "KVM_TEST_KNOWN_HOSTS"),
    uri: need(env, "KVM_TEST_URI"),
    domainType: need(env, "KVM_TEST_DOMAIN_TYPE"),
    guestDir: need(env, "KVM_TEST_GUEST_DIR"),
  };
  return {
    a: { ...login(env, "A", "KVM_TEST_HOST_A"), ...common },
    b: { ...login(env, "B", "KVM_TEST_HOST_B"), ...common },
  };
}

/** Both hosts, A first. */
export function allTestHosts(env: NodeJS.ProcessEnv = process.env): TestHost[] {
  const { a, b } = testHosts(env);
  return [a, b];
}
