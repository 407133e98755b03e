/** `<rng>`: a virtio random number generator fed from the host. */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** An `<rng>` device. */
export interface Rng extends DeviceCommon {
  kind: "rng";
  /** Guest device model, `virtio`. */
  model: string;
  /** `<backend model='random'>/dev/urandom</backend>`; `path` is the text. */
  backend?: { model: string; path?: string; extra?: XmlExtra };
}

/** Reads an `<rng>` element. */
export function parseRng(node: XmlNode): Rng {
  const r = new ElementReader(node);
  const rng: Rng = { kind: "rng", model: r.attr("model") ?? "virtio" };
  const b = r.sub("backend");
  if (b) {
    // Only the random backend's text is a path; egd's content is a <source>.
    const model = b.attr("model") ?? "random";
    const path = b.node.children.length === 0 ? b.text() : undefined;
    rng.backend = putExtra(compact({ model, path }), b);
  }
  readCommon(r, rng);
  return putExtra(rng, r);
}

/** Builds an `<rng>` element. */
export function buildRng(rng: Rng): XmlNode {
  const b = rng.backend;
  const node = element("rng", { model: rng.model }, [
    b ? withExtra(element("backend", { model: b.model }, [], b.path), b.extra) : undefined,
    ...commonNodes(rng),
  ]);
  return withExtra(node, rng.extra);
}
