import { MigrateFlags } from "./enums/migration";
import { DomainRef } from "./handles";
import type { RemoteCalls } from "./remoteCalls";
import { FlagSet } from "./wire/codec";
import { TypedParam } from "./wire/typedParams";

/** What the begin step answers: the cookie for prepare and the definition the destination is to start. */
export interface BeginResult {
  /** Opaque to the client: handed to prepare. */
  cookie: Buffer;
  /** The domain's definition as the source would have the destination run it (the destination XML given, if any). */
  xml: string;
}

/** What the prepare step answers. */
export interface PrepareResult {
  /** Opaque to the client: handed to perform. */
  cookie: Buffer;
  /** Where the destination listens, when it chose (e.g. `tcp://host:49152`); perform must use it. */
  uri?: string;
}

/** What the finish step answers. */
export interface FinishResult {
  /** The domain as the destination now knows it. */
  dom: DomainRef;
  /** Opaque to the client: handed to confirm. */
  cookie: Buffer;
}

/**
 * The five steps of a migration driven by the client, one typed call each
 * (`virDomainMigrate*3Params` of libvirt's driver API): begin and perform on
 * the source, prepare and finish on the destination, confirm on the source.
 * Which connection each step goes to, in which order, and how a failure is
 * undone is `migrateLive` (`migration.ts`).
 */
export class MigrationSteps {
  /** @param calls the connection's generated procedure wrappers */
  constructor(private readonly calls: RemoteCalls) {}

  /** Source: starts the migration job and describes the domain for the destination. */
  async begin(dom: DomainRef, params: TypedParam[], flags: FlagSet<MigrateFlags>): Promise<BeginResult> {
    const { cookieOut, xml } = await this.calls.domainMigrateBegin3Params({ dom, params, flags });
    return { cookie: cookieOut, xml };
  }

  /** Destination: starts the hypervisor waiting for the incoming stream (and the disk copy's NBD server). */
  async prepare(params: TypedParam[], cookie: Buffer, flags: FlagSet<MigrateFlags>): Promise<PrepareResult> {
    const { cookieOut, uriOut } = await this.calls.domainMigratePrepare3Params({ params, cookieIn: cookie, flags });
    return uriOut === undefined ? { cookie: cookieOut } : { cookie: cookieOut, uri: uriOut };
  }

  /** Source: copies the disks and the memory; returns once the stream ended, the guest paused on the source. */
  perform(dom: DomainRef, params: TypedParam[], cookie: Buffer, flags: FlagSet<MigrateFlags>): Promise<Buffer> {
    return this.calls.domainMigratePerform3Params({ dom, dconnuri: undefined, params, cookieIn: cookie, flags });
  }

  /**
   * Destination: resumes the guest there, or, `cancelled`, kills the waiting
   * hypervisor (the daemon then answers with an error: there is no domain to return).
   */
  async finish(params: TypedParam[], cookie: Buffer, flags: FlagSet<MigrateFlags>, cancelled: boolean): Promise<FinishResult> {
    const { dom, cookieOut } = await this.calls.domainMigrateFinish3Params({ params, cookieIn: cookie, flags, cancelled });
    return { dom, cookie: cookieOut };
  }

  /** Source: ends the job; kills the source's guest, or, `cancelled`, resumes it there. */
  confirm(dom: DomainRef, params: TypedParam[], cookie: Buffer, flags: FlagSet<MigrateFlags>, cancelled: boolean): Promise<void> {
    return this.calls.domainMigrateConfirm3Params({ dom, params, cookieIn: cookie, flags, cancelled });
  }
}
