/**
 * The `<metadata>` element listing the volumes a domain keeps on its host: a
 * Volume deleted while this domain's disks still used it is not deleted but
 * recorded here, and deleted when the domain leaves the host; so is a pool
 * deleted while it held such a volume (`<pool name=…/>`). libvirt stores
 * one element per namespace (`virDomainSetMetadata` with the prefix and URI
 * below); the element given to it carries no namespace of its own.
 */
import { buildXml, element, XmlNode } from "../node";
import type { Domain } from "./types";

/** The namespace URI of the kept volumes' element (not the VM's own, whose element libvirt would replace). */
export const KEPT_VOLUMES_NAMESPACE = "urn:pulumi-kvm:kept-volumes:1";
/** The prefix libvirt writes the element with. */
export const KEPT_VOLUMES_PREFIX = "kept";

const ROOT = "volumes";
const ITEM = "volume";
const POOL = "pool";

/** An element's name without its namespace prefix. */
function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

/** Whether a `<metadata>` child is the kept volumes' element (by its namespace, whatever its prefix). */
export function isKeptVolumesElement(node: XmlNode): boolean {
  return (
    localName(node.name) === ROOT &&
    Object.entries(node.attrs).some(([k, v]) => (k === "xmlns" || k.startsWith("xmlns:")) && v === KEPT_VOLUMES_NAMESPACE)
  );
}

/** The values of attribute `attr` of the element's children named `name` (any prefix), each once. */
function valuesOf(dom: Pick<Domain, "metadata">, name: string, attr: string): string[] {
  const values: string[] = [];
  for (const node of (dom.metadata ?? []).filter(isKeptVolumesElement)) {
    for (const c of node.children) {
      const value = c.attrs[attr];
      // libvirt prefixes the children or not, depending on how the element was read back.
      if (localName(c.name) === name && value !== undefined && value !== "" && !values.includes(value)) values.push(value);
    }
  }
  return values;
}

/** The keys of the volumes a domain keeps, in the order they were recorded, each once. */
export function keptVolumesOf(dom: Pick<Domain, "metadata">): string[] {
  return valuesOf(dom, ITEM, "key");
}

/** The names of the pools a domain keeps (deleted while they held a volume it keeps), each once. */
export function keptPoolsOf(dom: Pick<Domain, "metadata">): string[] {
  return valuesOf(dom, POOL, "name");
}

/**
 * The element text to give `virDomainSetMetadata` (with {@link KEPT_VOLUMES_PREFIX} and
 * {@link KEPT_VOLUMES_NAMESPACE}) for volume `keys` and `pools`; every value is escaped as an
 * attribute value.
 * @returns undefined for none: the element is then removed
 */
export function keptVolumesXml(keys: readonly string[], pools: readonly string[] = []): string | undefined {
  const children = [
    ...[...new Set(keys)].map((key) => element(ITEM, { key })),
    ...[...new Set(pools)].map((name) => element(POOL, { name })),
  ];
  if (children.length === 0) return undefined;
  return buildXml(element(ROOT, {}, children));
}

/** `dom` without the kept volumes' element (what another host must not inherit); other metadata stays. */
export function withoutKeptVolumes(dom: Domain): Domain {
  if (!dom.metadata?.some(isKeptVolumesElement)) return dom;
  const metadata = dom.metadata.filter((n) => !isKeptVolumesElement(n));
  const { metadata: _old, ...rest } = dom;
  return metadata.length === 0 ? rest : { ...rest, metadata };
}

/** `desired` with the kept volumes' element of `current` (a redefinition must not forget what the domain keeps). */
export function withKeptVolumesOf(desired: Domain, current: Domain): Domain {
  const kept = current.metadata?.find(isKeptVolumesElement);
  if (!kept) return desired;
  return { ...desired, metadata: [...(desired.metadata ?? []).filter((n) => !isKeptVolumesElement(n)), kept] };
}
