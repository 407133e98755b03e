/** `<tpm>`: a TPM passed through from the host or emulated by swtpm. */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra, yesNo } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** A `<tpm>` device. */
export interface Tpm extends DeviceCommon {
  kind: "tpm";
  /** `tpm-tis`, `tpm-crb`, `spapr-tpm-proxy`. */
  model?: string;
  /** `<backend type='emulator' version='2.0' persistent_state='yes'/>`. */
  backend?: {
    type: "passthrough" | "emulator" | "external";
    version?: string;
    /** `persistent_state`: keep the emulator's state when the domain goes (libvirt writes `no` as absent). */
    persistentState?: boolean;
    extra?: XmlExtra;
  };
}

/** Reads a `<tpm>` element. */
export function parseTpm(node: XmlNode): Tpm {
  const r = new ElementReader(node);
  const tpm: Tpm = compact({ kind: "tpm", model: r.attr("model") });
  const [b] = r.childrenWhere("backend", (n) => ["passthrough", "emulator", "external"].includes(n.attrs.type ?? ""));
  if (b) {
    const br = new ElementReader(b);
    const type = br.enumAttr("type", ["passthrough", "emulator", "external"] as const) ?? "emulator";
    tpm.backend = putExtra(compact({ type, version: br.attr("version"), persistentState: br.yesNoAttr("persistent_state") }), br);
  }
  readCommon(r, tpm);
  return putExtra(tpm, r);
}

/** Builds a `<tpm>` element. */
export function buildTpm(tpm: Tpm): XmlNode {
  const b = tpm.backend;
  const node = element("tpm", { model: tpm.model }, [
    b
      ? withExtra(element("backend", { type: b.type, version: b.version, persistent_state: yesNo(b.persistentState) }), b.extra)
      : undefined,
    ...commonNodes(tpm),
  ]);
  return withExtra(node, tpm.extra);
}
