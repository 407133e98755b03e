/**
 * libvirt's CPU lists (`cpuset='0-3,^2,6'`): CPU numbers and ranges, with
 * `^N` taking one CPU out again, applied left to right. libvirt stores a list
 * in its own spelling (`0,1` comes back as `0-1`, `1-3,^2` as `1,3`), so lists
 * are compared as the sets of CPUs they select, through {@link canonicalCpuset}.
 */

/** The most CPUs a list may name: libvirt's bitmap of host CPUs (VIR_DOMAIN_CPUMASK_LEN) holds 16384. */
export const CPUSET_MAX_CPUS = 16384;

const ENTRY = /^(\^?)(\d+)(?:-(\d+))?$/;

/**
 * The CPUs a list selects, ascending, or why it is not a list libvirt
 * accepts (a fragment that reads after the property's name).
 */
export function parseCpuset(text: string): { cpus: number[] } | { problem: string } {
  const usage = 'must be a CPU list such as "0", "0-3" or "0-3,^2,6"';
  if (text === "") return { problem: `${usage}, not empty` };
  const selected = new Set<number>();
  for (const entry of text.split(",")) {
    const m = ENTRY.exec(entry);
    if (!m) return { problem: `${usage}; ${JSON.stringify(entry)} is not a CPU number, a range N-M or an exclusion ^N` };
    const [, not, first, last] = m;
    const from = Number(first);
    const to = last === undefined ? from : Number(last);
    if (not && last !== undefined) return { problem: `${usage}; an exclusion takes one CPU (^N), not a range (${entry})` };
    if (to < from) return { problem: `${usage}; the range ${entry} runs backwards` };
    if (to >= CPUSET_MAX_CPUS) return { problem: `${usage}; CPU numbers must be below ${CPUSET_MAX_CPUS} (${entry})` };
    for (let cpu = from; cpu <= to; cpu++) {
      if (not) selected.delete(cpu);
      else selected.add(cpu);
    }
  }
  if (selected.size === 0) return { problem: `selects no CPU (${JSON.stringify(text)})` };
  return { cpus: [...selected].sort((a, b) => a - b) };
}

/** A set of CPUs in libvirt's spelling: ascending, runs of two or more as ranges (`0-1,3`). */
export function formatCpuset(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The list in libvirt's spelling; a list that does not parse is returned as it is (it can only differ). */
export function canonicalCpuset(text: string): string {
  const parsed = parseCpuset(text);
  return "cpus" in parsed ? formatCpuset(parsed.cpus) : text;
}
