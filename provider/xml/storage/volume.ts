/** The storage volume document (`virsh vol-dumpxml`), after libvirt's formatstorage. */
import { XmlError, XmlExtra, XmlNode, buildXml, element, parseXml, withExtra } from "../node";
import { ElementReader, buildSizeElement, compact, putExtra } from "../reader";
import { SizeElement } from "../size";
import { Permissions, buildPermissions, parsePermissions } from "./permissions";

/** A volume's file (`<target>`) or its backing image (`<backingStore>`). */
export interface VolumeFile {
  /** Host path; libvirt derives it from the pool for a target. */
  path?: string;
  /** `<format type>`: `raw`, `qcow2`, … */
  format?: string;
  permissions?: Permissions;
  extra?: XmlExtra;
}

/** A whole storage volume definition. */
export interface Volume {
  /** `file`, `block`, `dir`, … as reported; optional on create. */
  type?: string;
  name: string;
  /** libvirt's unique key (the path for file volumes); read-only. */
  key?: string;
  /** Guest-visible size; bytes when no unit is given. */
  capacity?: SizeElement;
  /** Space to allocate up front on create; then a measurement. */
  allocation?: SizeElement;
  /** Measured on-disk size; read-only. */
  physical?: SizeElement;
  target?: VolumeFile;
  backingStore?: VolumeFile;
  extra?: XmlExtra;
}

function parseFile(r: ElementReader): VolumeFile {
  const [format] = r.childrenWhere("format", (n) => Object.keys(n.attrs).join() === "type" && n.children.length === 0);
  const perms = r.sub("permissions");
  return putExtra(
    compact({ path: r.childText("path"), format: format?.attrs.type, permissions: perms ? parsePermissions(perms) : undefined }),
    r,
  );
}

/** Reads a volume from its parsed root element. */
export function parseVolumeNode(root: XmlNode): Volume {
  if (root.name !== "volume") throw new XmlError(`expected <volume>, got <${root.name}>`);
  const r = new ElementReader(root);
  const name = r.childText("name");
  if (name === undefined) throw new XmlError("<volume> lacks <name>");
  const vol: Volume = compact({
    type: r.attr("type"),
    name,
    key: r.childText("key"),
    capacity: r.childSize("capacity", "bytes"),
    allocation: r.childSize("allocation", "bytes"),
    physical: r.childSize("physical", "bytes"),
  });
  const tgt = r.sub("target");
  if (tgt) vol.target = parseFile(tgt);
  const back = r.sub("backingStore");
  if (back) vol.backingStore = parseFile(back);
  return putExtra(vol, r);
}

/**
 * Parses `virsh vol-dumpxml` output into a {@link Volume}.
 * @throws XmlError when the text is not a volume document.
 */
export function parseVolumeXml(xml: string): Volume {
  return parseVolumeNode(parseXml(xml));
}

function fileNode(name: string, f: VolumeFile): XmlNode {
  return withExtra(
    element(name, {}, [
      f.path !== undefined ? element("path", {}, [], f.path) : undefined,
      f.format !== undefined ? element("format", { type: f.format }) : undefined,
      f.permissions ? buildPermissions(f.permissions) : undefined,
    ]),
    f.extra,
  );
}

/** Builds a volume's root element. */
export function buildVolumeNode(v: Volume): XmlNode {
  const root = element("volume", { type: v.type }, [
    element("name", {}, [], v.name),
    v.key !== undefined ? element("key", {}, [], v.key) : undefined,
    v.capacity ? buildSizeElement("capacity", v.capacity) : undefined,
    v.allocation ? buildSizeElement("allocation", v.allocation) : undefined,
    v.physical ? buildSizeElement("physical", v.physical) : undefined,
    v.target ? fileNode("target", v.target) : undefined,
    v.backingStore ? fileNode("backingStore", v.backingStore) : undefined,
  ]);
  return withExtra(root, v.extra);
}

/**
 * Builds volume XML for `virsh vol-create`.
 * @throws XmlError on names or characters XML cannot carry.
 */
export function buildVolumeXml(v: Volume): string {
  return buildXml(buildVolumeNode(v));
}
