/**
 * Typed calls of Pulumi's `ResourceProvider` gRPC service, each one recorded, with the requests
 * filled in the way the engine fills them.
 */
import type { CallOptions, Metadata, ServiceError } from "@grpc/grpc-js";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { Empty as EmptyMessage } from "google-protobuf/google/protobuf/empty_pb";
import { emptypb, fromStruct, grpc, provgrpc, provproto, statuspb, toStruct } from "./protobuf";
import type { JsonObject } from "./wire";

/** The provider calls the harness makes. */
export type CallMethod = "GetPluginInfo" | "Configure" | "Check" | "Diff" | "Create" | "Read" | "Update" | "Delete";

/** One call made to the provider host. */
export interface CallRecord {
  /** The gRPC method. */
  method: CallMethod;
  /** The resource it was about (none for GetPluginInfo and Configure). */
  urn?: string;
  /** The resource's type token. */
  type?: string;
  /** The resource's name. */
  name?: string;
  /** The resource's id, for calls that carry one. */
  id?: string;
  /** When the call was sent (`Date.now()`). */
  start: number;
  /** When its answer arrived. */
  end?: number;
  /** The error it answered with. */
  error?: string;
}

/** Which resource a call is about. */
export interface ResourceRef {
  /** The resource's URN, the key of the stack state. */
  urn: string;
  /** Its type token. */
  type: string;
  /** Its name. */
  name: string;
}

/** One property that Check rejected. */
export interface CheckFailure {
  /** The property (may be empty). */
  property: string;
  /** Why it was rejected. */
  reason: string;
}

/** What Diff answered. `changes` is "unknown" when the provider left the decision to the engine. */
export interface DiffAnswer {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** The partial-create (or partial-update) details a provider attaches to an error (`ErrorResourceInitFailed`). */
export interface InitFailure {
  id: string;
  properties: JsonObject;
  reasons: string[];
}

/** A provider call that answered with an error. */
export class ProviderCallError extends Error {
  constructor(
    /** The method that failed. */
    readonly method: CallMethod,
    /** The gRPC status code. */
    readonly code: number,
    message: string,
    /** Present when the resource was created but failed to initialize. */
    readonly initFailure?: InitFailure,
  ) {
    super(message);
    this.name = "ProviderCallError";
  }
}

/** A connection to one provider host. Every call lands in {@link log}. */
export class ProviderClient {
  private readonly client: ResourceProviderClient;

  /**
   * @param address host:port of the provider host
   * @param log where each call is recorded (shared with the harness)
   * @param callTimeoutMs a deadline for each call; none by default (creating a VM takes long)
   */
  constructor(
    address: string,
    readonly log: CallRecord[],
    private readonly callTimeoutMs?: number,
  ) {
    this.client = new provgrpc.ResourceProviderClient(address, grpc.credentials.createInsecure());
  }

  /** Closes the connection. */
  close(): void {
    this.client.close();
  }

  /** `GetPluginInfo`: the SDK version the host runs. */
  async getPluginInfo(): Promise<string> {
    const res = await this.call<PluginInfo>("GetPluginInfo", {}, (md, opts, cb) =>
      this.client.getPluginInfo(new emptypb.Empty(), md, opts, cb),
    );
    return res.getVersion();
  }

  /**
   * `Configure` with the whole stack config, as the engine sends it to a dynamic provider.
   * @param args config values by namespaced key; secrets wrapped as secrets
   * @returns whether the host accepts secrets (the dynamic host says no)
   */
  async configure(args: JsonObject, variables: Record<string, string>): Promise<{ acceptSecrets: boolean }> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(args));
    for (const [k, v] of Object.entries(variables)) req.getVariablesMap().set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    const res = await this.call<provproto.ConfigureResponse>("Configure", {}, (md, opts, cb) => this.client.configure(req, md, opts, cb));
    return { acceptSecrets: res.getAcceptsecrets() };
  }

  /** `Check`: validated inputs and failures. */
  async check(ref: ResourceRef, olds: JsonObject, news: JsonObject): Promise<{ inputs: JsonObject; failures: CheckFailure[] }> {
    const req = new provproto.CheckRequest();
    setRef(req, ref);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.call<provproto.CheckResponse>("Check", ref, (md, opts, cb) => this.client.check(req, md, opts, cb));
    const failures = res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    return { inputs: fromStruct(res.getInputs()), failures };
  }

  /** `Diff` of new inputs against the old outputs. */
  async diff(
    ref: ResourceRef,
    id: string,
    olds: JsonObject,
    news: JsonObject,
    oldInputs: JsonObject,
    ignoreChanges: string[],
  ): Promise<DiffAnswer> {
    const req = new provproto.DiffRequest();
    setRef(req, ref);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    req.setOldInputs(toStruct(oldInputs));
    req.setIgnorechangesList(ignoreChanges);
    const res = await this.call<provproto.DiffResponse>("Diff", { ...ref, id }, (md, opts, cb) => this.client.diff(req, md, opts, cb));
    const C = provproto.DiffResponse.DiffChanges;
    const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
    return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  /** `Create`. @throws ProviderCallError, with {@link InitFailure} for a partial create */
  async create(ref: ResourceRef, properties: JsonObject): Promise<{ id: string; properties: JsonObject }> {
    const req = new provproto.CreateRequest();
    setRef(req, ref);
    req.setProperties(toStruct(properties));
    const res = await this.call<provproto.CreateResponse>("Create", ref, (md, opts, cb) => this.client.create(req, md, opts, cb));
    return { id: res.getId(), properties: fromStruct(res.getProperties()) };
  }

  /** `Read` of the live state. An empty id in the answer means the resource is gone. */
  async read(
    ref: ResourceRef,
    id: string,
    properties: JsonObject,
    inputs: JsonObject,
  ): Promise<{ id: string; properties: JsonObject; inputs?: JsonObject }> {
    const req = new provproto.ReadRequest();
    setRef(req, ref);
    req.setId(id);
    req.setProperties(toStruct(properties));
    req.setInputs(toStruct(inputs));
    const res = await this.call<provproto.ReadResponse>("Read", { ...ref, id }, (md, opts, cb) => this.client.read(req, md, opts, cb));
    return {
      id: res.getId(),
      properties: fromStruct(res.getProperties()),
      inputs: res.hasInputs() ? fromStruct(res.getInputs()) : undefined,
    };
  }

  /** `Update` from the old outputs to the new inputs. */
  async update(
    ref: ResourceRef,
    id: string,
    olds: JsonObject,
    news: JsonObject,
    oldInputs: JsonObject,
    ignoreChanges: string[],
  ): Promise<JsonObject> {
    const req = new provproto.UpdateRequest();
    setRef(req, ref);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    req.setOldInputs(toStruct(oldInputs));
    req.setIgnorechangesList(ignoreChanges);
    const res = await this.call<provproto.UpdateResponse>("Update", { ...ref, id }, (md, opts, cb) =>
      this.client.update(req, md, opts, cb),
    );
    return fromStruct(res.getProperties());
  }

  /** `Delete`, with the outputs and the old inputs. */
  async delete(ref: ResourceRef, id: string, properties: JsonObject, oldInputs: JsonObject): Promise<void> {
    const req = new provproto.DeleteRequest();
    setRef(req, ref);
    req.setId(id);
    req.setProperties(toStruct(properties));
    req.setOldInputs(toStruct(oldInputs));
    await this.call<EmptyMessage>("Delete", { ...ref, id }, (md, opts, cb) => this.client.delete(req, md, opts, cb));
  }

  /** Sends one unary call, recording it, and turns its error into a {@link ProviderCallError}. */
  private call<Res>(
    method: CallMethod,
    target: Partial<ResourceRef> & { id?: string },
    send: (md: Metadata, opts: Partial<CallOptions>, cb: (err: ServiceError | null, res: Res) => void) => void,
  ): Promise<Res> {
    const record: CallRecord = { method, ...target, start: Date.now() };
    this.log.push(record);
    const opts: Partial<CallOptions> = this.callTimeoutMs ? { deadline: Date.now() + this.callTimeoutMs } : {};
    return new Promise<Res>((resolve, reject) => {
      send(new grpc.Metadata(), opts, (err, res) => {
        record.end = Date.now();
        if (err) {
          const error = toCallError(method, err);
          record.error = error.message;
          reject(error);
        } else resolve(res);
      });
    });
  }
}

/** The fields every resource-level request shares. */
interface HasRef {
  setUrn(value: string): unknown;
  setName(value: string): unknown;
  setType(value: string): unknown;
}

function setRef(req: HasRef, ref: ResourceRef): void {
  req.setUrn(ref.urn);
  req.setName(ref.name);
  req.setType(ref.type);
}

/**
 * The host packs partial-create details into a `google.rpc.Status` under the
 * `grpc-status-details-bin` metadata key; the engine unpacks them the same way.
 */
function toCallError(method: CallMethod, err: ServiceError): ProviderCallError {
  const message = err.details || err.message;
  let initFailure: InitFailure | undefined;
  for (const raw of err.metadata?.get("grpc-status-details-bin") ?? []) {
    const status = statuspb.Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : raw);
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const d = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      initFailure = { id: d.getId(), properties: fromStruct(d.getProperties()), reasons: d.getReasonsList() };
    }
  }
  return new ProviderCallError(method, err.code, message, initFailure);
}
