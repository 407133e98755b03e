import assert from "node:assert/strict";
import { parseSpec, replacementsOf } from "../../../provider/resources/common/kindSpec";
import { networkKind } from "../../../provider/resources/network/kind";

const connection = { socketPath: "/var/run/libvirt/libvirt-sock" };
const spec = (inputs: Record<string, unknown>) => {
  const { spec: s, problems } = parseSpec(
    networkKind,
    { name: "lab", mode: "nat", ipv4: { address: "192.168.5.1/24" }, ...inputs },
    connection,
  );
  assert.deepEqual(problems, []);
  return s!;
};

describe("network/replaceOn", () => {
  it("keeps a network whose bridge libvirt named (stored as the bridge output) when the program names none", () => {
    assert.deepEqual(replacementsOf(networkKind, spec({ bridge: "virbr3" }), spec({})), []);
  });

  it("replaces for a bridge the program names differently, and for a new name or mode", () => {
    assert.deepEqual(replacementsOf(networkKind, spec({ bridge: "virbr3" }), spec({ bridge: "br-lab" })), ["bridge"]);
    assert.deepEqual(replacementsOf(networkKind, spec({}), spec({ name: "lab2", mode: "route" })), ["name", "mode"]);
    assert.deepEqual(replacementsOf(networkKind, spec({ bridge: "br-lab" }), spec({ bridge: "br-lab" })), []);
  });
});
