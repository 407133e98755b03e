/**
 * Block storage that `scripts/test-hosts` gives host A for the pool-type tests,
 * as the environment (`scripts/test-hosts env`, set by `npm test`) describes it.
 * Like the hosts, a missing variable is an error, never a reason to skip.
 */
import { need } from "./hosts";

/** An iSCSI target of the test setup's tgt daemon. */
export interface TestIscsiTarget {
  /** The portal's address. */
  host: string;
  /** The portal's TCP port. */
  port: number;
  /** The target's IQN; LUN 1 is a 64 MiB disk. */
  iqn: string;
}

/** What host A offers for block-device pools. */
export interface TestStorage {
  /** A 256 MiB loop device nothing else uses; tests may wipe and format it. */
  fsDevice: string;
  /** The initiator IQN tests log in as. */
  initiator: string;
  /** A target open to any initiator. */
  openTarget: TestIscsiTarget;
  /** A target that asks for CHAP with {@link TestStorage.chap}. */
  chapTarget: TestIscsiTarget;
  /** The CHAP account of {@link TestStorage.chapTarget}. */
  chap: { username: string; password: string };
}

/**
 * Host A's test storage from the `KVM_TEST_*` variables.
 * @throws when a variable is missing or malformed, naming it.
 */
export function testStorage(env: NodeJS.ProcessEnv = process.env): TestStorage {
  const portal = need(env, "KVM_TEST_ISCSI_PORTAL");
  const m = /^([^:\s]+):(\d{1,5})$/.exec(portal);
  if (!m) throw new Error(`KVM_TEST_ISCSI_PORTAL=${portal} is not of the form host:port`);
  const at = { host: m[1], port: Number(m[2]) };
  return {
    fsDevice: need(env, "KVM_TEST_FS_DEVICE"),
    initiator: need(env, "KVM_TEST_ISCSI_INITIATOR"),
    openTarget: { ...at, iqn: need(env, "KVM_TEST_ISCSI_TARGET") },
    chapTarget: { ...at, iqn: need(env, "KVM_TEST_ISCSI_CHAP_TARGET") },
    chap: { username: need(env, "KVM_TEST_ISCSI_CHAP_USER"), password: need(env, "KVM_TEST_ISCSI_CHAP_PASSWORD") },
  };
}
