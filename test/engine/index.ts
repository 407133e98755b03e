/**
 * The test engine: drives Pulumi dynamic providers through the real provider host over
 * Pulumi's provider gRPC protocol, as the Pulumi engine does, without the Pulumi CLI.
 *
 * Start with {@link EngineHarness}.
 */
export { EngineHarness } from "./harness";
export type { ConfigValue, HarnessOptions } from "./harness";
export type { Program } from "./program";
export { moduleProgram } from "./moduleProgram";
export { stepOf, opsByName, callsOf, stdoutOf } from "./results";
export type { RunResult, RunKind, Step, StepOp, RunError, ResourceCheckFailure } from "./results";
export { emptyState, loadState, saveState, findResource, cloneState } from "./state";
export type { StackState, ResourceState } from "./state";
export { ProviderClient, ProviderCallError } from "./client";
export type { CallRecord, CallMethod, CheckFailure, InitFailure, DiffAnswer, ResourceRef } from "./client";
export { ProviderHost, hostScript } from "./host";
export type { HostLine, HostOptions } from "./host";
export { UNKNOWN, isUnknown, containsUnknowns, isSecret, makeSecret, textOf } from "./wire";
export type { JsonValue, JsonObject } from "./wire";
