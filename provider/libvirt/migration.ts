/**
 * Live migration driven by this client over its connections to both hosts,
 * as libvirt's own client does a managed, direct (not peer-to-peer)
 * migration with typed parameters: begin on the source, prepare on the
 * destination, perform on the source, finish on the destination, confirm on
 * the source, each step handing its cookie to the next. The hosts need no
 * trust between them: only their hypervisors talk, for the stream itself.
 */
import { LibvirtError, RpcLinkError } from "../rpc";
import type { LibvirtConnection } from "./connection";
import { DomainState } from "./enums/domain";
import { DriverFeature } from "./enums/connect";
import { MigrateFlags, MigrateParam } from "./enums/migration";
import { DomainRef } from "./handles";
import {
  DEFAULT_ABORT_GRACE_MS,
  DEFAULT_PROGRESS_INTERVAL_MS,
  hasParam,
  LiveMigrationOptions,
  migrationFlags,
  migrationOptionProblems,
  migrationParams,
  withStringParam,
} from "./migrationOptions";
import { progressOf } from "./migrationProgress";
import { TypedParam } from "./wire/typedParams";

/** A step of {@link migrateLive}, as its errors name it. */
export type MigrationStep = "options" | "features" | "begin" | "prepare" | "perform" | "finish" | "confirm";

/** Where the domain runs after a failed migration, as far as the client could tell. */
export type MigrationOutcome = "source" | "destination" | "unknown";

/** A live migration that did not complete: the step, both hosts, and where the domain is left. */
export class MigrationError extends Error {
  /**
   * @param step the step that failed (or during which the timeout or the abort came)
   * @param source the source host, as its connection describes it
   * @param destination the destination host
   * @param runsOn where the domain is left running
   * @param cleanup what undoing the migration could not do (empty when everything was undone)
   * @param cause the step's own error
   */
  constructor(
    message: string,
    readonly step: MigrationStep,
    readonly source: string,
    readonly destination: string,
    readonly runsOn: MigrationOutcome,
    readonly cleanup: readonly string[],
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "MigrationError";
  }
}

/** A completed live migration. */
export interface LiveMigrationResult {
  /** The domain on the destination (same name and UUID, its new running id). */
  domain: DomainRef;
  /** Milliseconds from begin to confirm. */
  elapsedMs: number;
}

const EMPTY_COOKIE = Buffer.alloc(0);
/** Flags the destination's steps never get (libvirt's client drops them too: they act on the source only). */
const SOURCE_ONLY_FLAGS = MigrateFlags.AbortOnError | MigrateFlags.AutoConverge;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Moves the running domain `dom` from `source` to `dest` without stopping it.
 *
 * On any failure, on the timeout or on the abort signal before the
 * destination took over, the migration is undone as libvirt's client undoes
 * it: the job is aborted on the source, finish is told "cancelled" on the
 * destination (which kills its waiting hypervisor, leaving nothing there),
 * and confirm is told "cancelled" on the source (which resumes the guest
 * there), except after a failed perform, which already ended the source's
 * job. The error then says the step, both hosts and where the domain runs.
 *
 * @throws MigrationError naming the step and both hosts
 */
export async function migrateLive(
  source: LibvirtConnection,
  dest: LibvirtConnection,
  dom: DomainRef,
  options: LiveMigrationOptions = {},
): Promise<LiveMigrationResult> {
  const started = Date.now();
  const from = source.rpc.description;
  const to = dest.rpc.description;
  const what = `live migration of domain ${dom.name} from ${from} to ${to}`;
  const failure = (step: MigrationStep, why: string, runsOn: MigrationOutcome, cleanup: string[] = [], cause?: unknown) => {
    const where =
      runsOn === "source"
        ? `the domain still runs on ${from}`
        : runsOn === "destination"
          ? `the domain runs on ${to}`
          : "where the domain runs is not known";
    const undone = cleanup.length === 0 ? "" : `; undoing it failed: ${cleanup.join("; ")}`;
    return new MigrationError(`${what} failed at ${step}: ${why}; ${where}${undone}`, step, from, to, runsOn, cleanup, cause);
  };

  const problems = migrationOptionProblems(options);
  if (problems.length > 0) throw failure("options", problems.join("; "), "source");

  const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
  /** Why the migration must stop now (timeout or abort), or undefined. */
  const stopReason = (): string | undefined => {
    if (options.signal?.aborted) return "aborted by the caller";
    if (deadline !== undefined && Date.now() >= deadline) return `not done within the timeout of ${options.timeoutMs} ms`;
    return undefined;
  };

  const stopFirst = stopReason();
  // Nothing is asked of either host once the caller gave up.
  if (stopFirst !== undefined) throw failure("begin", stopFirst, "source");

  let protection = false;
  try {
    const [sourceParams, destParams, changeProtection] = await Promise.all([
      source.supportsFeature(DriverFeature.MigrationParams),
      dest.supportsFeature(DriverFeature.MigrationParams),
      source.supportsFeature(DriverFeature.MigrateChangeProtection),
    ]);
    const old = [...(sourceParams ? [] : [from]), ...(destParams ? [] : [to])];
    if (old.length > 0) throw new Error(`${old.join(" and ")} cannot migrate with typed parameters (libvirt 1.1.0 or later is needed)`);
    protection = changeProtection;
  } catch (err) {
    throw failure("features", messageOf(err), "source", [], err);
  }

  // Change protection makes begin hold a job on the source until confirm, so
  // nobody redefines the domain half-way; it also means a failure after begin
  // must confirm "cancelled" to release it.
  let flags: number = migrationFlags(options) | (protection ? MigrateFlags.ChangeProtection : 0);
  let params: TypedParam[] = migrationParams(options);

  let begun;
  try {
    begun = await source.migration.begin(dom, params, flags);
  } catch (err) {
    throw failure("begin", messageOf(err), "source", [], err);
  }

  /** Confirm "cancelled" on the source: ends its job and resumes the guest there. */
  const confirmCancelled = async (cookie: Buffer, cleanup: string[]): Promise<void> => {
    try {
      await source.migration.confirm(dom, params, cookie, flags, true);
    } catch (err) {
      cleanup.push(`confirm (cancelled) on ${from}: ${messageOf(err)} (the guest may be left paused there)`);
    }
  };
  /** Undoes a migration begun (and perhaps prepared) but not performed. */
  const undoBeforePerform = async (step: MigrationStep, why: string, prepared: Buffer | undefined, cause?: unknown) => {
    const cleanup: string[] = [];
    if (prepared !== undefined) await finishCancelled(dest, params, prepared, flags, to, cleanup);
    if (protection || prepared !== undefined) await confirmCancelled(EMPTY_COOKIE, cleanup);
    return failure(step, why, cleanup.length === 0 ? "source" : "unknown", cleanup, cause);
  };

  try {
    // A paused guest stays paused on the destination.
    if ((await source.domains.state(dom)).state === DomainState.Paused) flags |= MigrateFlags.Paused;
  } catch (err) {
    throw await undoBeforePerform("begin", messageOf(err), undefined, err);
  }
  const destFlags = flags & ~SOURCE_ONLY_FLAGS;
  const stopBefore = stopReason();
  if (stopBefore !== undefined) throw await undoBeforePerform("begin", stopBefore, undefined);

  // The destination starts what begin described (the destination XML applied).
  let prepared;
  try {
    prepared = await dest.migration.prepare(withStringParam(params, MigrateParam.DestXml, begun.xml), begun.cookie, destFlags);
  } catch (err) {
    throw await undoBeforePerform("prepare", messageOf(err), undefined, err);
  }
  if (prepared.uri !== undefined) params = withStringParam(params, MigrateParam.Uri, prepared.uri);
  else if (!hasParam(params, MigrateParam.Uri))
    throw await undoBeforePerform("prepare", `${to} did not say where it listens`, prepared.cookie);
  const stopPrepared = stopReason();
  if (stopPrepared !== undefined) throw await undoBeforePerform("prepare", stopPrepared, prepared.cookie);

  const watch = watchPerform(source, dom, options, deadline, stopReason);
  let performed: Buffer | undefined;
  let performError: unknown;
  let abandoned: string | undefined;
  const performing = source.migration.perform(dom, params, prepared.cookie, flags);
  // Answered after it was given up on, its outcome is no one's.
  performing.catch(() => undefined);
  try {
    const outcome = await Promise.race([
      performing.then(
        (cookie) => ({ cookie }),
        (err: unknown) => ({ err }),
      ),
      watch.givenUp.then((why) => ({ why })),
    ]);
    if ("cookie" in outcome) performed = outcome.cookie;
    else if ("err" in outcome) performError = outcome.err;
    else abandoned = outcome.why;
  } finally {
    await watch.stop();
  }
  if (abandoned !== undefined) {
    // The source holds the domain and answers neither the abort nor perform (libvirt connects to
    // the destination's port itself, the domain locked, until the kernel gives up: minutes when
    // the port drops packets). Cancelling on the destination kills the hypervisor waiting there,
    // so the stream can never complete: the source fails its job on its own and keeps the guest.
    const cleanup: string[] = [];
    await finishCancelled(dest, params, prepared.cookie, flags, to, cleanup);
    throw failure("perform", abandoned, cleanup.length === 0 ? "source" : "unknown", cleanup);
  }
  const stopped = stopReason();

  // Finish takes the domain's name from the parameters, as libvirt's client sets it.
  if (!hasParam(params, MigrateParam.DestName)) params = withStringParam(params, MigrateParam.DestName, dom.name);
  const cleanup: string[] = [];
  let cancelled = performError !== undefined || stopped !== undefined;
  let finished;
  let finishError: unknown;
  try {
    finished = await dest.migration.finish(params, performed ?? EMPTY_COOKIE, destFlags, cancelled);
  } catch (err) {
    finishError = err;
    // Cancelled, finish answers with an error by design (no domain to return);
    // only a lost link leaves the destination's state in doubt.
    if (cancelled && !(err instanceof LibvirtError))
      cleanup.push(`finish (cancelled) on ${to}: ${messageOf(err)} (an incoming domain may be left there)`);
  }
  // As libvirt's client: what finish returned decides (a domain means it runs on the destination).
  cancelled = finished === undefined;

  // A failed perform already ended the source's job and resumed the guest there.
  let confirmError: unknown;
  if (performError === undefined) {
    try {
      await source.migration.confirm(dom, params, finished?.cookie ?? EMPTY_COOKIE, flags, cancelled);
    } catch (err) {
      confirmError = err;
      if (cancelled) cleanup.push(`confirm (cancelled) on ${from}: ${messageOf(err)} (the guest may be left paused there)`);
    }
  }

  if (finished !== undefined) {
    if (confirmError !== undefined) {
      throw failure("confirm", `${messageOf(confirmError)} (the guest may be left paused on ${from})`, "destination", [], confirmError);
    }
    return { domain: finished.dom, elapsedMs: Date.now() - started };
  }
  const runsOn: MigrationOutcome = cleanup.length === 0 ? "source" : "unknown";
  if (performError !== undefined) {
    const why = watch.abortedFor !== undefined ? `${watch.abortedFor} (${messageOf(performError)})` : messageOf(performError);
    throw failure("perform", why, runsOn, cleanup, performError);
  }
  if (stopped !== undefined) throw failure("perform", stopped, runsOn, cleanup);
  throw failure("finish", messageOf(finishError), runsOn, cleanup, finishError);
}

/** Finish "cancelled" on the destination: kills its waiting hypervisor; the error it answers with is expected. */
async function finishCancelled(
  dest: LibvirtConnection,
  params: readonly TypedParam[],
  cookie: Buffer,
  flags: number,
  to: string,
  cleanup: string[],
): Promise<void> {
  try {
    await dest.migration.finish([...params], cookie, flags & ~SOURCE_ONLY_FLAGS, true);
  } catch (err) {
    if (!(err instanceof LibvirtError))
      cleanup.push(`finish (cancelled) on ${to}: ${messageOf(err)} (an incoming domain may be left there)`);
  }
}

/**
 * While perform runs: reads the source's job statistics for the progress
 * callback and, once the timeout passed or the signal fired, aborts the job
 * (retried each tick until the source accepts: a job in its first moments may refuse).
 */
function watchPerform(
  source: LibvirtConnection,
  dom: DomainRef,
  options: LiveMigrationOptions,
  deadline: number | undefined,
  stopReason: () => string | undefined,
): { stop(): Promise<void>; readonly abortedFor?: string; readonly givenUp: Promise<string> } {
  const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const grace = options.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS;
  const state: { done: boolean; abortedFor?: string; wake?: () => void; giveUp?: ReturnType<typeof setTimeout> } = { done: false };
  let giveUp: (why: string) => void = () => undefined;
  const givenUp = new Promise<string>((resolve) => (giveUp = resolve));
  // Timed apart from the loop below: the loop's own calls are what a stuck source leaves unanswered.
  const giveUpAfter = (ms: number): void => {
    if (state.giveUp !== undefined || state.done) return;
    state.giveUp = setTimeout(
      () =>
        giveUp(
          `${stopReason() ?? "stopped"}, and ${source.rpc.description} answered neither the abort nor the migration ` +
            `within ${grace} ms more (it may still be connecting to the destination's port, which does not answer: ` +
            "a firewall that drops packets?); it ends the job by itself",
        ),
      ms,
    );
  };
  if (deadline !== undefined) giveUpAfter(Math.max(0, deadline - Date.now()) + grace);
  const onAbort = (): void => {
    state.wake?.();
    if (state.giveUp !== undefined) clearTimeout(state.giveUp);
    state.giveUp = undefined;
    giveUpAfter(grace);
  };
  options.signal?.addEventListener("abort", onAbort);
  const loop = (async () => {
    while (!state.done) {
      const untilDeadline = deadline === undefined ? interval : Math.max(0, deadline - Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(interval, untilDeadline));
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (state.done) break;
      const reason = stopReason();
      if (reason !== undefined && state.abortedFor === undefined) {
        try {
          await source.domains.abortJob(dom);
          state.abortedFor = reason;
        } catch (err) {
          // A lost link ends perform too; anything else is retried next tick.
          if (err instanceof RpcLinkError) break;
        }
      }
      if (options.onProgress !== undefined) {
        try {
          const progress = progressOf(await source.domains.jobStats(dom));
          if (progress !== undefined) options.onProgress(progress);
        } catch {
          // The job may end between two reads, and the callback's failures are not the migration's.
        }
      }
    }
  })();
  return {
    async stop() {
      state.done = true;
      state.wake?.();
      if (state.giveUp !== undefined) clearTimeout(state.giveUp);
      options.signal?.removeEventListener("abort", onAbort);
      // After giving up, the loop may wait on a call the stuck source never answers.
      await Promise.race([loop, givenUp]);
    },
    get abortedFor() {
      return state.abortedFor;
    },
    givenUp,
  };
}
