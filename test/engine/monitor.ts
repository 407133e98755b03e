/**
 * The resource monitor a Pulumi program talks to, installed in-process the way
 * `pulumi.runtime.setMocks` installs its mock monitor. Unlike the SDK's `MockMonitor`, it reads
 * the whole registration request, so resource options (`dependsOn`, `additionalSecretOutputs`,
 * `deleteBeforeReplace`, `ignoreChanges`, …) reach the engine logic as they reach the real engine.
 */
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { emptypb, fromStruct, grpc, toStruct } from "./protobuf";
import type { JsonObject } from "./wire";

/** The type token of a program's root resource. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** One resource registration, as the engine receives it. */
export interface Registration {
  /** The URN the engine gives it. */
  urn: string;
  type: string;
  name: string;
  /** False for component resources (and the stack). */
  custom: boolean;
  /** The parent's URN, unless the parent is the stack. */
  parent?: string;
  /** Inputs in wire form: secrets wrapped, unknowns as the sentinel (preview), resources as references. */
  inputs: JsonObject;
  /** URNs of everything it depends on (`dependsOn` and inputs from other resources). */
  dependencies: string[];
  /** The resource options the engine acts on. */
  options: RegistrationOptions;
  /** Set when the program reads an existing resource (`new Resource(…, { id })`) instead of managing it. */
  readId?: string;
}

/** The resource options the harness honours. */
export interface RegistrationOptions {
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  replaceOnChanges: string[];
  protect?: boolean;
  retainOnDelete?: boolean;
  importId?: string;
}

/** The engine's answer to a registration: the id (empty = unknown in a preview) and outputs in wire form. */
export interface RegistrationAnswer {
  id: string;
  outputs: JsonObject;
}

/** Handles a registration; a rejection fails it in the program as an engine error would. */
export type RegistrationHandler = (reg: Registration) => Promise<RegistrationAnswer>;

type Callback<T> = (err: Error | null, res?: T) => void;

/** Features this monitor tells the SDK it supports (the rest make the SDK refuse, loudly). */
const FEATURES = new Set(["secrets", "resourceReferences"]);

/** The monitor: turns the SDK's requests into {@link Registration}s and collects the stack's exports. */
export class EngineMonitor {
  /** The stack's exports in wire form, once the program registered them. */
  exports: JsonObject = {};
  /** Registrations received and not yet answered. */
  private inFlight = 0;
  /** When a registration last arrived or was answered (`Date.now()`). */
  private lastActivity = Date.now();
  private stackUrn?: string;

  constructor(
    private readonly project: string,
    private readonly stack: string,
    private readonly handler: RegistrationHandler,
  ) {}

  /** The URN the engine gives a resource: the parent's type chain (the stack excluded), then type and name. */
  urnOf(type: string, name: string, parent: string | undefined): string {
    let qualified = type;
    if (parent && parent !== this.stackUrn) qualified = `${parent.split("::")[2]}$${type}`;
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  registerResource(req: resproto.RegisterResourceRequest, callback: Callback<resproto.RegisterResourceResponse>): void {
    const type = req.getType();
    const parentUrn = req.getParent() || undefined;
    const urn = this.urnOf(type, req.getName(), parentUrn);
    if (type === STACK_TYPE && !parentUrn) this.stackUrn = urn;
    const reg: Registration = {
      urn,
      type,
      name: req.getName(),
      custom: req.getCustom(),
      parent: parentUrn && parentUrn !== this.stackUrn ? parentUrn : undefined,
      inputs: fromStruct(req.getObject()),
      dependencies: [...new Set(req.getDependenciesList())],
      options: {
        deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        protect: req.getProtect() || undefined,
        retainOnDelete: req.getRetainondelete() || undefined,
        importId: req.getImportid() || undefined,
      },
    };
    this.answer(reg, callback, (answer) => {
      const res = new resproto.RegisterResourceResponse();
      res.setUrn(urn);
      res.setId(answer.id);
      res.setObject(toStruct(answer.outputs));
      return res;
    });
  }

  readResource(req: resproto.ReadResourceRequest, callback: Callback<resproto.ReadResourceResponse>): void {
    const parentUrn = req.getParent() || undefined;
    const urn = this.urnOf(req.getType(), req.getName(), parentUrn);
    const reg: Registration = {
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: true,
      parent: parentUrn && parentUrn !== this.stackUrn ? parentUrn : undefined,
      inputs: fromStruct(req.getProperties()),
      dependencies: [...new Set(req.getDependenciesList())],
      options: { additionalSecretOutputs: req.getAdditionalsecretoutputsList(), ignoreChanges: [], replaceOnChanges: [] },
      readId: req.getId(),
    };
    this.answer(reg, callback, (answer) => {
      const res = new resproto.ReadResourceResponse();
      res.setUrn(urn);
      res.setProperties(toStruct(answer.outputs));
      // The engine answers the id that Read returned. SDKs from 3.276 take an answer without one
      // for an unknown id in a preview; older SDKs' message has no id field (nor `setId`).
      const withId = res as Partial<{ setId(id: string): unknown }>;
      withId.setId?.(answer.id);
      return res;
    });
  }

  registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<emptypbEmpty>): void {
    if (req.getUrn() === this.stackUrn) this.exports = fromStruct(req.getOutputs());
    callback(null, new emptypb.Empty());
  }

  supportsFeature(req: resproto.SupportsFeatureRequest, callback: Callback<resproto.SupportsFeatureResponse>): void {
    const res = new resproto.SupportsFeatureResponse();
    res.setHassupport(FEATURES.has(req.getId()));
    callback(null, res);
  }

  /**
   * SDKs from 3.256 ask for every feature at once here first, and fall back to
   * {@link supportsFeature} when the monitor answers UNIMPLEMENTED, as an older engine does.
   * Answering so keeps one feature list (FEATURES) for every SDK the package supports; older
   * SDKs never call this, and their `resource_pb` has no `DeploymentInfo` to answer with.
   */
  getDeploymentInfo(_req: unknown, callback: Callback<never>): void {
    callback(Object.assign(new Error("GetDeploymentInfo is not implemented by the test engine"), { code: grpc.status.UNIMPLEMENTED }));
  }

  invoke(req: resproto.ResourceInvokeRequest, callback: Callback<never>): void {
    callback(
      Object.assign(new Error(`invoke of ${req.getTok()} is not supported by the test engine`), { code: grpc.status.UNIMPLEMENTED }),
    );
  }

  registerPackage(_req: unknown, callback: Callback<resproto.RegisterPackageResponse>): void {
    const res = new resproto.RegisterPackageResponse();
    res.setRef("test-engine-package");
    callback(null, res);
  }

  signalAndWaitForShutdown(_req: unknown, callback: Callback<emptypbEmpty>): void {
    callback(null, new emptypb.Empty());
  }

  /** Nothing to close: the monitor lives in this process. */
  close(): void {}

  /** Runs the handler; its rejection becomes the registration's error, as an engine failure would. */
  private answer<T>(reg: Registration, callback: Callback<T>, build: (a: RegistrationAnswer) => T): void {
    this.inFlight++;
    this.lastActivity = Date.now();
    const work: Promise<RegistrationAnswer> = reg.custom ? this.handler(reg) : Promise.resolve({ id: "", outputs: reg.inputs });
    const settled = (): void => {
      this.inFlight--;
      this.lastActivity = Date.now();
    };
    work.then(
      (a) => {
        settled();
        callback(null, build(a));
      },
      // A fresh error: the SDK rewrites the message of what it gets, and the step keeps the original.
      (err: unknown) => {
        settled();
        callback(Object.assign(new Error(err instanceof Error ? err.message : String(err)), { code: grpc.status.UNKNOWN }));
      },
    );
  }

  /** Milliseconds since a registration last arrived or was answered, or 0 while one is being handled. */
  idleMs(): number {
    return this.inFlight > 0 ? 0 : Date.now() - this.lastActivity;
  }
}

type emptypbEmpty = InstanceType<typeof emptypb.Empty>;
