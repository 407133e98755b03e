import { strict as assert } from "assert";
import {
  KEPT_VOLUMES_NAMESPACE,
  buildDomainXml,
  keptPoolsOf,
  keptVolumesOf,
  keptVolumesXml,
  parseDomainXml,
  parseXml,
  withKeptVolumesOf,
  withoutKeptVolumes,
} from "../../../provider/xml";
import { HOSTILE_TEXT } from "../../fixtures/xml/hostile";

const SEED = `<kvm:cloudinit xmlns:kvm="urn:pulumi-kvm:vm:1" sha256="abc"/>`;

/** A domain document whose `<metadata>` holds `inner`. */
const domain = (inner: string) =>
  `<domain type="qemu"><name>vm</name><memory unit="KiB">65536</memory><os><type>hvm</type></os>` +
  `<metadata>${inner}</metadata><devices/></domain>`;

describe("xml/domain/keptVolumes", () => {
  it("reads the keys as libvirt writes the element, children prefixed or not, each once", () => {
    const prefixed = parseDomainXml(
      domain(
        `${SEED}<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"><kept:volume key="/a/x.raw"/><kept:volume key="/a/y.raw"/></kept:volumes>`,
      ),
    );
    assert.deepEqual(keptVolumesOf(prefixed), ["/a/x.raw", "/a/y.raw"]);
    const plain = parseDomainXml(
      domain(`<k:volumes xmlns:k="${KEPT_VOLUMES_NAMESPACE}"><volume key="/a/x.raw"/><volume key="/a/x.raw"/><volume/></k:volumes>`),
    );
    assert.deepEqual(keptVolumesOf(plain), ["/a/x.raw"]);
  });

  it("ignores an element of the same name in another namespace, and a domain without metadata", () => {
    assert.deepEqual(keptVolumesOf(parseDomainXml(domain(`<o:volumes xmlns:o="urn:other"><o:volume key="/a/x"/></o:volumes>`))), []);
    assert.deepEqual(keptVolumesOf({}), []);
  });

  it("builds an unprefixed element for virDomainSetMetadata, every key escaped; none removes it", () => {
    assert.equal(keptVolumesXml([]), undefined);
    const keys = [...HOSTILE_TEXT.filter((t) => !t.includes("\n")), "/a/x.raw", "/a/x.raw"];
    const xml = keptVolumesXml(keys);
    assert.ok(xml !== undefined);
    const node = parseXml(xml);
    assert.equal(node.name, "volumes");
    assert.deepEqual(Object.keys(node.attrs), []);
    assert.deepEqual(
      node.children.map((c) => c.attrs.key),
      [...new Set(keys)],
    );
    // As libvirt stores it: the root in the namespace, read back the same keys.
    const stored = xml
      .replace("<volumes>", `<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}">`)
      .replace("</volumes>", "</kept:volumes>");
    assert.deepEqual(keptVolumesOf(parseDomainXml(domain(stored))), [...new Set(keys)]);
  });

  it("strips the element from a definition for another host, keeping the rest of the metadata", () => {
    const dom = parseDomainXml(
      domain(`${SEED}<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"><kept:volume key="/a/x"/></kept:volumes>`),
    );
    const stripped = withoutKeptVolumes(dom);
    assert.deepEqual(keptVolumesOf(stripped), []);
    assert.deepEqual(
      stripped.metadata?.map((n) => n.name),
      ["kvm:cloudinit"],
    );
    assert.ok(!buildDomainXml(stripped).includes(KEPT_VOLUMES_NAMESPACE));
    const only = withoutKeptVolumes(parseDomainXml(domain(`<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"/>`)));
    assert.equal(only.metadata, undefined);
    const none = parseDomainXml(domain(SEED));
    assert.equal(withoutKeptVolumes(none), none);
  });

  it("carries the element into a new definition, replacing one the new definition has", () => {
    const current = parseDomainXml(
      domain(`${SEED}<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"><kept:volume key="/a/x"/></kept:volumes>`),
    );
    const desired = parseDomainXml(domain(`<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"><kept:volume key="/old"/></kept:volumes>`));
    const merged = withKeptVolumesOf(desired, current);
    assert.deepEqual(keptVolumesOf(merged), ["/a/x"]);
    assert.deepEqual(keptVolumesOf(parseDomainXml(buildDomainXml(merged))), ["/a/x"]);
    const plain = parseDomainXml(domain(SEED));
    assert.equal(withKeptVolumesOf(plain, plain), plain);
  });

  it("records pools beside volumes", () => {
    const xml = keptVolumesXml(["/a/x.raw"], ["pool <&>", "pool <&>"]);
    assert.ok(xml !== undefined);
    const stored = xml
      .replace("<volumes>", `<kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}">`)
      .replace("</volumes>", "</kept:volumes>");
    const dom = parseDomainXml(domain(stored));
    assert.deepEqual(keptVolumesOf(dom), ["/a/x.raw"]);
    assert.deepEqual(keptPoolsOf(dom), ["pool <&>"]);
    assert.equal(keptVolumesXml([], ["p"]), buildXmlOf("p"));
  });
});

/** The element for one pool alone. */
const buildXmlOf = (pool: string) => `<volumes>\n  <pool name="${pool}"/>\n</volumes>`;
