/** `<permissions>` of a pool's or volume's target, shared by both documents. */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";

/** Ownership and mode of a pool directory or volume file. */
export interface Permissions {
  /** Octal mode as written (`0755`). */
  mode?: string;
  owner?: number;
  group?: number;
  /** Security label (SELinux context). */
  label?: string;
  extra?: XmlExtra;
}

/** Reads a `<permissions>` element. */
export function parsePermissions(r: ElementReader): Permissions {
  const num = (name: string) => {
    const t = r.childText(name);
    return t === undefined ? undefined : Number(t.trim());
  };
  return putExtra(compact({ mode: r.childText("mode"), owner: num("owner"), group: num("group"), label: r.childText("label") }), r);
}

/** Builds a `<permissions>` element. */
export function buildPermissions(p: Permissions): XmlNode {
  const t = (name: string, v: string | number | undefined) => (v === undefined ? undefined : element(name, {}, [], String(v)));
  return withExtra(element("permissions", {}, [t("mode", p.mode), t("owner", p.owner), t("group", p.group), t("label", p.label)]), p.extra);
}
