import type * as pulumi from "@pulumi/pulumi";

/** Where a resource lives: an SSH host, or this machine's libvirt socket when `host` is absent. */
export interface ConnectionArgs {
  /** SSH host name or address. Without it, the local libvirt socket is used. */
  host?: pulumi.Input<string>;
  /** SSH port; 22 by default. */
  port?: pulumi.Input<number>;
  /** SSH login; the current user by default. */
  user?: pulumi.Input<string>;
  /** Private key file on the machine that runs Pulumi. */
  privateKeyPath?: pulumi.Input<string>;
  /** Private key text (stored as a secret). */
  privateKey?: pulumi.Input<string>;
  /** Passphrase of the private key (stored as a secret). */
  passphrase?: pulumi.Input<string>;
  /** Use an ssh-agent: true for `SSH_AUTH_SOCK`, or the agent's socket path. Default when no key or password is given. */
  agent?: pulumi.Input<boolean | string>;
  /** SSH password (stored as a secret). */
  password?: pulumi.Input<string>;
  /** known_hosts file that must hold the host's key; `~/.ssh/known_hosts` by default. */
  knownHostsPath?: pulumi.Input<string>;
  /** Pinned host key fingerprint (`SHA256:…`, as `ssh-keygen -lf` prints it), instead of known_hosts. */
  hostKeyFingerprint?: pulumi.Input<string>;
  /** libvirt URI on the host; `qemu:///system` by default. */
  uri?: pulumi.Input<string>;
  /** The daemon's unix socket, when not libvirt's default. */
  socketPath?: pulumi.Input<string>;
  /** A bastion to reach `host` through. */
  jump?: pulumi.Input<ConnectionArgs>;
}

/** The `connection` property every resource takes. */
export interface ConnectedArgs {
  /**
   * The host this object lives on. Fields left out come from the stack's
   * `kvm:` configuration (e.g. `pulumi config set kvm:host hv1`).
   */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A size: bytes as a number, a string with a unit ("20GiB", "512MiB"), or `{ value, unit }`. */
export type SizeArg = number | string | { value: number; unit: string };
