import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { isKvmKind, KvmResource, getArguments, GetOptions } from "../common/resource";
import { networkFields } from "./fields";

/** A static DHCP lease. */
export interface DhcpHostArgs {
  /** The guest NIC's MAC address (IPv4). */
  mac?: pulumi.Input<string>;
  /** DHCPv6 client id (IPv6). */
  id?: pulumi.Input<string>;
  /** The address to hand out. */
  ip: pulumi.Input<string>;
  /** Host name given with the lease. */
  name?: pulumi.Input<string>;
}

/** One address family of a network. */
export interface NetworkIpArgs {
  /** The host's address on the network with its prefix, e.g. `"192.168.100.1/24"`. */
  address: pulumi.Input<string>;
  /** DHCP service: address ranges and static hosts (static hosts change live). */
  dhcp?: pulumi.Input<{
    /** Address ranges leased to guests, each from `start` to `end` (both in the network's subnet). */
    ranges?: pulumi.Input<pulumi.Input<{ start: pulumi.Input<string>; end: pulumi.Input<string> }>[]>;
    /** Static hosts: a fixed address (and name) for a MAC address. */
    hosts?: pulumi.Input<pulumi.Input<DhcpHostArgs>[]>;
  }>;
}

/** A name the network's DNS server answers, and its address. */
export interface DnsHostArgs {
  /** The address the names resolve to. */
  ip: pulumi.Input<string>;
  /** The names. */
  hostnames: pulumi.Input<pulumi.Input<string>[]>;
}

/** Inputs of a {@link Network}. */
export interface NetworkArgs extends ArgsOf<typeof networkFields>, ConnectedArgs {}

// The outputs Pulumi sets on the instance, typed from the field table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Network extends OutputsOf<typeof networkFields> {}

/** A libvirt virtual network. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Network extends KvmResource {
  /**
   * Whether `obj` is a Network of this package, made by this copy of it or another one in the
   * same program. (The `isInstance` Pulumi's classes inherit is true of any custom resource.)
   */
  static override isInstance(obj: unknown): obj is Network {
    return isKvmKind(obj, "Network");
  }

  /**
   * @param name the Pulumi resource name
   * @param args the network's inputs
   * @param opts resource options
   */
  constructor(name: string, args: NetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super("Network", networkFields, name, { ...args }, opts);
  }

  /**
   * Reads an existing network without managing it: the stack never changes or deletes it, and
   * `destroy` only forgets it. It is read from its host at every `up`, `preview` and `refresh`,
   * and reports what a network this stack made reports (`name`, `bridge`, `mode`, …).
   * @param name the Pulumi resource name
   * @param id the network's UUID, or its name (unique on the host); `uuid` reports the UUID either way
   * @param opts the host it lives on (`connection`) and resource options
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: GetOptions): Network {
    return new Network(name, ...getArguments<NetworkArgs>(id, opts));
  }
}
