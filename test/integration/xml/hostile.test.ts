/**
 * Acceptance: hostile text (quotes, <>&, ]]>, fake CDATA, newlines,
 * non-ASCII) in every free-text field comes back byte-identical after
 * build → define → dumpxml → parse, on both hosts.
 */
import { strict as assert } from "assert";
import { Domain, Network, buildDomainXml, buildNetworkXml, parseDomainXml, parseNetworkXml } from "../../../provider/xml";
import { HOSTILE_MULTI_LINE, HOSTILE_ONE_LINE, HOSTILE_TEXT } from "../../fixtures/xml/hostile";
import { hostNames } from "./cases";
import { quietly, xmlTestHosts } from "./hosts";

const ALL = [...HOSTILE_TEXT, HOSTILE_ONE_LINE, HOSTILE_MULTI_LINE];
/** libvirt writes the network's <domain name> unescaped: only what survives that is sent (others are refused on build). */
const attributeSafe = (s: string) => s.replace(/['<&\r\n\t]/g, "_");
/** libvirt refuses line breaks in a title. */
const oneLine = (s: string) => s.replace(/[\r\n]/g, " ");

for (const host of xmlTestHosts()) {
  describe(`xml hostile text on host ${host.label}`, function () {
    this.timeout(120_000);
    const n = hostNames(host);
    const dom = `${n.prefix}hostile`;
    const net = `${n.prefix}hostile-net`;

    afterEach(async () => {
      await quietly(host.virsh(["undefine", dom]));
      await quietly(host.virsh(["net-undefine", net]));
    });

    ALL.forEach((text, i) => {
      it(`domain title, description, metadata, cmdline: #${i} ${JSON.stringify(text).slice(0, 40)}`, async () => {
        const desired: Domain = {
          type: host.domainType,
          name: dom,
          title: oneLine(text),
          description: text,
          metadata: [{ name: "pk:note", attrs: { "xmlns:pk": "https://example.org/pulumi-kvm", text }, children: [], text }],
          memory: { value: 96, unit: "MiB" },
          os: { type: "hvm", kernel: `${host.guestDir}/vmlinuz`, cmdline: text },
          devices: [],
        };
        await host.virsh(["define", "/dev/stdin"], buildDomainXml(desired));
        const back = parseDomainXml(await host.virsh(["dumpxml", "--inactive", dom]));
        assert.equal(back.title, desired.title);
        assert.equal(back.description, text);
        assert.equal(back.os?.cmdline, text);
        assert.deepEqual(back.metadata, desired.metadata);
      });

      it(`network domain name and DNS host names: #${i} ${JSON.stringify(text).slice(0, 40)}`, async () => {
        const desired: Network = {
          name: net,
          forward: { mode: "isolated" },
          bridge: { name: n.bridge("h") },
          domain: { name: attributeSafe(text) },
          dns: { hosts: [{ ip: "192.168.169.77", hostnames: [text, oneLine(text)] }] },
        };
        await host.virsh(["net-define", "/dev/stdin"], buildNetworkXml(desired));
        const back = parseNetworkXml(await host.virsh(["net-dumpxml", "--inactive", net]));
        assert.equal(back.domain?.name, desired.domain?.name);
        assert.deepEqual(back.dns?.hosts?.[0].hostnames, [text, oneLine(text)]);
      });
    });
  });
}
