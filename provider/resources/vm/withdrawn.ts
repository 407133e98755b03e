/**
 * What the previous program put into the definition that the current one no
 * longer declares, where the comparison with the host cannot see it: devices
 * and top-level elements that no input models (they come from
 * `xmlOverrides`). The comparison leaves such parts alone when nothing
 * declares them, since they may be the host's own; a removal from the
 * program is found here instead, by comparing the two programs.
 */
import { Domain, keyDevices } from "../../xml";

function unmodelledDevices(dom: Domain): Set<string> {
  const keys = new Set<string>();
  for (const [device, { key }] of keyDevices(dom.devices)) if (device.kind === "other") keys.add(`<${device.node.name}> ${key}`);
  return keys;
}

/** Descriptions of the unmodelled devices and top-level elements `before` has and `now` lacks. */
export function withdrawnParts(before: Domain, now: Domain): string[] {
  const kept = unmodelledDevices(now);
  const devices = [...unmodelledDevices(before)].filter((k) => !kept.has(k)).map((k) => `device ${k.split(" ")[0]}`);
  const keptElements = new Set((now.extra?.children ?? []).map((c) => c.name));
  const elements = (before.extra?.children ?? []).filter((c) => !keptElements.has(c.name)).map((c) => `<${c.name}>`);
  return [...devices, ...elements];
}
