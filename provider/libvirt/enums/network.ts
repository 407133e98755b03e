/** Filters of `virConnectListAllNetworks`; none lists every network. */
export enum NetworkListFlags {
  Inactive = 1,
  Active = 2,
  Persistent = 4,
  Transient = 8,
  Autostart = 16,
  NoAutostart = 32,
}

/** Flags of `virNetworkGetXMLDesc`. */
export enum NetworkXmlFlags {
  /** The persistent definition instead of the running one. */
  Inactive = 1,
}

/** What a live network update does (`virNetworkUpdateCommand`). */
export enum NetworkUpdateCommand {
  Modify = 1,
  Delete = 2,
  AddLast = 3,
  AddFirst = 4,
}

/** Which part of the network a live update touches (`virNetworkUpdateSection`). */
export enum NetworkUpdateSection {
  Bridge = 1,
  Domain = 2,
  Ip = 3,
  IpDhcpHost = 4,
  IpDhcpRange = 5,
  Forward = 6,
  ForwardInterface = 7,
  ForwardPf = 8,
  Portgroup = 9,
  DnsHost = 10,
  DnsTxt = 11,
  DnsSrv = 12,
}

/** Where a network update applies (`virNetworkUpdateFlags`). */
export enum NetworkUpdateFlags {
  Current = 0,
  Live = 1,
  Config = 2,
}
