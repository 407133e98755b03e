/**
 * Round trips over real `dumpxml` output captured from both test hosts
 * (test/fixtures/xml/host-*), inactive and running, for every document kind.
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import {
  XmlNode,
  buildXml,
  compareDomain,
  compareNetwork,
  comparePool,
  devicesOf,
  parseDomainXml,
  parseNetworkXml,
  parsePoolXml,
  parseXml,
} from "../../../provider/xml";
import { assertLossless, rebuild } from "./support/documents";

const ROOT = path.resolve(__dirname, "../../fixtures/xml");
const HOSTS = readdirSync(ROOT)
  .filter((d) => d.startsWith("host-"))
  .sort();

/**
 * Adds an attribute no libvirt version has to every element, and an unknown
 * child element to every element without text (a child beside text would be
 * mixed content, which libvirt never writes).
 */
function withUnknowns(node: XmlNode): XmlNode {
  const future: XmlNode[] = node.text === undefined ? [{ name: "pkvm-future", attrs: { v: node.name }, children: [] }] : [];
  return {
    ...node,
    attrs: { ...node.attrs, "pkvm-unknown": `on ${node.name}` },
    children: [...node.children.map(withUnknowns), ...future],
  };
}

describe("xml fixtures from real hosts", () => {
  it("were captured from both hosts", () => assert.deepEqual(HOSTS, ["host-a", "host-b"]));

  for (const host of HOSTS) {
    const dir = path.join(ROOT, host);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".xml"))
      .sort();
    describe(host, () => {
      it("cover every kind, inactive and running", () => {
        for (const want of [
          "domain-guest-inactive",
          "domain-guest-running",
          "network-nat-inactive",
          "network-nat-running",
          "pool-dir-inactive",
          "pool-dir-running",
          "volume-",
        ]) {
          assert.ok(
            files.some((f) => f.startsWith(want)),
            want,
          );
        }
      });

      for (const file of files) {
        const xml = readFileSync(path.join(dir, file), "utf8");
        it(`${file}: parse → build → parse loses nothing`, () => assertLossless(xml, file));
        it(`${file}: unknown attributes and elements at every level survive`, () => {
          const marked = buildXml(withUnknowns(parseXml(xml)));
          assertLossless(marked, `${file} with unknowns`);
          const out = rebuild(marked).out;
          assert.equal(out.split("pkvm-unknown=").length, marked.split("pkvm-unknown=").length);
          assert.equal(out.split("<pkvm-future").length, marked.split("<pkvm-future").length);
        });
      }

      it("hand-added unmodelled devices (watchdog, panic, sound) stay in place", () => {
        for (const f of ["domain-guest-running.xml", "domain-guest-inactive.xml"]) {
          const d = parseDomainXml(readFileSync(path.join(dir, f), "utf8"));
          const names = devicesOf(d.devices, "other").map((o) => o.node.name);
          for (const n of ["watchdog", "panic", "sound"]) assert.ok(names.includes(n), `${f}: ${n}`);
          const again = parseDomainXml(rebuild(readFileSync(path.join(dir, f), "utf8")).out);
          assert.deepEqual(
            again.devices.map((x) => (x.kind === "other" ? x.node.name : x.kind)),
            d.devices.map((x) => (x.kind === "other" ? x.node.name : x.kind)),
          );
        }
      });

      it("a running domain, network and pool compare equal to their inactive definition", () => {
        const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
        assert.deepEqual(
          compareDomain(parseDomainXml(read("domain-guest-inactive.xml")), parseDomainXml(read("domain-guest-running.xml"))),
          [],
        );
        assert.deepEqual(
          compareNetwork(parseNetworkXml(read("network-nat-inactive.xml")), parseNetworkXml(read("network-nat-running.xml"))),
          [],
        );
        assert.deepEqual(comparePool(parsePoolXml(read("pool-dir-inactive.xml")), parsePoolXml(read("pool-dir-running.xml"))), []);
      });
    });
  }
});
