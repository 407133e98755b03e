/**
 * Captures what libvirt makes of the CPU topology and pinning configurations
 * of test/unit/vm/cpuConfigs.ts, into test/unit/vm/fixtures/cpu-*.xml:
 *
 *   eval "$(scripts/test-hosts env)"
 *   npx tsx test/integration/vm/captureCpuFixtures.ts
 *
 * Each is defined on host A from the resource's own model, started (a
 * diskless VM: only the firmware runs) and read inactive and running; then
 * removed. Names carry `pkvm-vmcpu-<pid>`, replaced by `pkvm-vmcpu` in the files.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConnectionPool, DomainXmlFlags } from "../../../provider/libvirt";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { buildDomainXml } from "../../../provider/xml";
import { CPU_CONFIGS, CPU_FIXTURE_UUID, cpuConfigSpec } from "../../unit/vm/cpuConfigs";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const OUT = path.resolve(__dirname, "../../unit/vm/fixtures");

async function main(): Promise<void> {
  const { a } = testHosts();
  const pool = new ConnectionPool({ idleMs: 100 });
  const { connection: conn } = await pool.acquire(sshEndpoint(a));
  const run = `pkvm-vmcpu-${process.pid % 100000}`;
  try {
    for (const config of Object.keys(CPU_CONFIGS)) {
      const spec = cpuConfigSpec(config, run, a.domainType);
      const dom = await conn.domains.define(buildDomainXml(domainModelOf(spec, [], CPU_FIXTURE_UUID)));
      try {
        await conn.domains.start(dom);
        const fixed = (xml: string) => xml.replaceAll(run, "pkvm-vmcpu");
        writeFileSync(path.join(OUT, `cpu-${config}-inactive.xml`), fixed(await conn.domains.xmlDesc(dom, DomainXmlFlags.Inactive)));
        writeFileSync(path.join(OUT, `cpu-${config}-running.xml`), fixed(await conn.domains.xmlDesc(dom)));
        console.log(`captured ${OUT}/cpu-${config}-{inactive,running}.xml`);
      } finally {
        await conn.domains.destroy(dom).catch(() => undefined);
        await conn.domains.undefine(dom);
      }
    }
  } finally {
    await pool.closeAll();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
