/**
 * libvirt's CPU bitmaps (`unsigned char *cpumap`): host CPU N is bit N % 8
 * of byte N / 8, least significant bit first (VIR_USE_CPU / VIR_CPU_USABLE).
 */

/** The bitmap that allows exactly `cpus`, as short as the highest CPU allows. */
export function cpumapOf(cpus: readonly number[]): Buffer {
  for (const cpu of cpus) if (!Number.isInteger(cpu) || cpu < 0) throw new RangeError(`not a CPU number: ${cpu}`);
  const map = Buffer.alloc(cpus.length === 0 ? 1 : Math.floor(Math.max(...cpus) / 8) + 1);
  for (const cpu of cpus) map.writeUInt8((map.readUInt8(cpu >> 3) | (1 << (cpu & 7))) & 0xff, cpu >> 3);
  return map;
}

/** The CPUs a bitmap allows, ascending; `width` bounds the bits read (the host's CPU count). */
export function cpusOf(map: Buffer, width = map.length * 8): number[] {
  const cpus: number[] = [];
  for (let cpu = 0; cpu < Math.min(width, map.length * 8); cpu++) if (map.readUInt8(cpu >> 3) & (1 << (cpu & 7))) cpus.push(cpu);
  return cpus;
}
