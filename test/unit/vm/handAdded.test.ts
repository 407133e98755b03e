import assert from "node:assert/strict";
import { handAddedDevices, keepingHandAdded } from "../../../provider/resources/vm/handAdded";
import { Device, Domain } from "../../../provider/xml";

const other = (name: string, attrs: Record<string, string> = {}): Device => ({ kind: "other", node: { name, attrs, children: [] } });
const dom = (...devices: Device[]): Domain => ({ type: "kvm", name: "vm", devices });
const names = (devices: Device[]) => devices.map((d) => (d.kind === "other" ? d.node.name : d.kind));

describe("vm/handAdded: devices added by hand survive a rewrite", () => {
  const config = dom(
    { kind: "serial", type: "pty" },
    other("controller", { type: "usb", index: "0" }),
    other("memballoon", { model: "virtio" }),
    other("video"),
    other("panic", { model: "isa" }),
    other("watchdog", { model: "i6300esb" }),
  );

  it("keeps unmodelled devices nobody declares, and leaves libvirt's own to libvirt", () => {
    assert.deepEqual(names(handAddedDevices(config, dom(), dom())), ["panic", "watchdog"]);
  });

  it("does not keep what the program declares now or declared before", () => {
    assert.deepEqual(names(handAddedDevices(config, dom(other("watchdog", { model: "ib700" })), dom())), ["panic"]);
    assert.deepEqual(names(handAddedDevices(config, dom(), dom(other("watchdog")))), ["panic"]);
  });

  it("appends the kept devices to the desired domain without changing it", () => {
    const desired = dom({ kind: "serial", type: "pty" });
    const written = keepingHandAdded(desired, config, dom());
    assert.deepEqual(names(written.devices), ["serial", "panic", "watchdog"]);
    assert.deepEqual(names(desired.devices), ["serial"]);
  });
});
