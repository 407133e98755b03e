/**
 * Devices added to a VM's definition by hand (a watchdog, a panic notifier,
 * a USB redirector, a host device): no input models them, so the comparison
 * does not report them, and a rewrite of the definition keeps them. Devices
 * libvirt adds on its own (as the normalize rule table counts them) are left
 * to libvirt, which adds them again, and what the previous program declared
 * is the program's to remove.
 */
import { Device, Domain, isLibvirtOwnDevice, keyDevices } from "../../xml";

function otherKeys(dom: Domain): Set<string> {
  const keys = new Set<string>();
  for (const [device, { key }] of keyDevices(dom.devices)) if (device.kind === "other") keys.add(key);
  return keys;
}

/** The unmodelled devices of `config` that neither program declares and libvirt did not add. */
export function handAddedDevices(config: Domain, desired: Domain, previous: Domain): Device[] {
  const declared = new Set([...otherKeys(desired), ...otherKeys(previous)]);
  const out: Device[] = [];
  for (const [device, { key }] of keyDevices(config.devices)) {
    if (device.kind === "other" && !isLibvirtOwnDevice(device) && !declared.has(key)) out.push(device);
  }
  return out;
}

/** `desired` with the hand-added devices of `config` appended, for a rewrite of the definition. */
export function keepingHandAdded(desired: Domain, config: Domain, previous: Domain): Domain {
  const kept = handAddedDevices(config, desired, previous);
  return kept.length === 0 ? desired : { ...desired, devices: [...desired.devices, ...kept] };
}
