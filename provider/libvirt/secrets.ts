import { SecretDefineFlags, SecretListFlags, SecretUsageType } from "./enums/secret";
import { SecretRef } from "./handles";
import type { RemoteCalls } from "./remoteCalls";
import { FlagSet } from "./wire/codec";
import { NEED_RESULTS, NO_FLAGS } from "./wire/fixedArgs";

/**
 * Typed calls on libvirt secrets: values (a CHAP password, a key) the daemon
 * keeps for the objects that name them by usage. The value is written, never
 * read back: a private secret refuses to give it.
 */
export class Secrets {
  /** @param calls the connection's generated procedure wrappers */
  constructor(private readonly calls: RemoteCalls) {}

  /** All secrets, or those the filter flags select. */
  async listAll(flags: FlagSet<SecretListFlags> = NO_FLAGS): Promise<SecretRef[]> {
    return (await this.calls.connectListAllSecrets({ needResults: NEED_RESULTS, flags })).secrets;
  }

  /** @throws LibvirtError with a not-found code when no such secret exists */
  lookupByUuid(uuid: string): Promise<SecretRef> {
    return this.calls.secretLookupByUuid({ uuid });
  }

  /** @throws LibvirtError with a not-found code when no secret has that usage */
  lookupByUsage(usageType: SecretUsageType, usageId: string): Promise<SecretRef> {
    return this.calls.secretLookupByUsage({ usageType, usageId });
  }

  /** Defines a secret, or redefines the one with the document's UUID; its value is set apart. */
  define(xml: string, flags: FlagSet<SecretDefineFlags> = NO_FLAGS): Promise<SecretRef> {
    return this.calls.secretDefineXml({ xml, flags });
  }

  /** The secret's XML (never its value). */
  xmlDesc(secret: SecretRef): Promise<string> {
    return this.calls.secretGetXmlDesc({ secret, flags: NO_FLAGS });
  }

  /**
   * Sets the secret's value, replacing any earlier one.
   * @param value the bytes (a password as UTF-8); at most `SECRET_VALUE_MAX`
   */
  setValue(secret: SecretRef, value: Uint8Array): Promise<void> {
    return this.calls.secretSetValue({ secret, value: Buffer.from(value), flags: NO_FLAGS });
  }

  /** Removes the secret and its value. */
  undefine(secret: SecretRef): Promise<void> {
    return this.calls.secretUndefine({ secret });
  }
}
