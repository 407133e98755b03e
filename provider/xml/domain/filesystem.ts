/** `<filesystem>`: host directories shared with the guest (virtiofs or 9p). */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** A `<filesystem>` device; `target.dir` is the guest mount tag and its identity. */
export interface Filesystem extends DeviceCommon {
  kind: "filesystem";
  /** `mount` (a host directory) when absent. */
  type?: string;
  /** 9p only: how guest file ownership maps to the host. */
  accessmode?: "passthrough" | "mapped" | "squash";
  /** `virtiofs`, or `path`/`handle` for 9p; absent means 9p. */
  driver?: { type?: string; extra?: XmlExtra };
  source?: { dir?: string; extra?: XmlExtra };
  target: { dir: string; extra?: XmlExtra };
  readonly?: boolean;
}

/** Reads a `<filesystem>` element. */
export function parseFilesystem(node: XmlNode): Filesystem {
  const r = new ElementReader(node);
  const fs: Filesystem = {
    kind: "filesystem",
    type: r.attr("type"),
    accessmode: r.enumAttr("accessmode", ["passthrough", "mapped", "squash"] as const),
    target: { dir: "" },
  };
  const drv = r.sub("driver");
  if (drv) fs.driver = putExtra(compact({ type: drv.attr("type") }), drv);
  const src = r.sub("source");
  if (src) fs.source = putExtra(compact({ dir: src.attr("dir") }), src);
  const tgt = r.sub("target");
  if (tgt) fs.target = putExtra({ dir: tgt.attr("dir") ?? "" }, tgt);
  if (r.childrenWhere("readonly", (n) => n.children.length === 0 && Object.keys(n.attrs).length === 0).length > 0) fs.readonly = true;
  readCommon(r, fs);
  return putExtra(compact(fs), r);
}

/** Builds a `<filesystem>` element. */
export function buildFilesystem(fs: Filesystem): XmlNode {
  const node = element("filesystem", { type: fs.type, accessmode: fs.accessmode }, [
    fs.driver ? withExtra(element("driver", { type: fs.driver.type }), fs.driver.extra) : undefined,
    fs.source ? withExtra(element("source", { dir: fs.source.dir }), fs.source.extra) : undefined,
    withExtra(element("target", { dir: fs.target.dir }), fs.target.extra),
    fs.readonly ? element("readonly") : undefined,
    ...commonNodes(fs),
  ]);
  return withExtra(node, fs.extra);
}
