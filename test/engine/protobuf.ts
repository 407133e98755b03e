/**
 * The gRPC and protobuf modules used to talk to the provider host, loaded from
 * `@pulumi/pulumi`'s own directory.
 *
 * Why not a plain `import`: the generated `provider_pb.js` checks message arguments with
 * `instanceof` against the `google-protobuf` classes it loaded itself. If npm ever installs a
 * second copy of `google-protobuf` (or `@grpc/grpc-js`) for `@pulumi/pulumi`, a `Struct` built
 * from ours fails with "Expected argument of type google.protobuf.Struct". Resolving from the
 * SDK's directory always gives the SDK's copy.
 */
import * as path from "path";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as EmptyModule from "google-protobuf/google/protobuf/empty_pb";
import type * as StructModule from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as ProvGrpcModule from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as StatusModule from "@pulumi/pulumi/proto/status_pb";
import type { JsonObject } from "./wire";

/** The directory of the installed `@pulumi/pulumi` package. */
export const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/** `require` of `request` as `@pulumi/pulumi` itself would resolve it. */
function requireFromPulumi<T>(request: string): T {
  return require(require.resolve(request, { paths: [pulumiDir] })) as T;
}

/** `@grpc/grpc-js`, the SDK's copy. */
export const grpc = requireFromPulumi<typeof GrpcModule>("@grpc/grpc-js");
/** `google.protobuf.Struct` and friends, the SDK's copy. */
export const structpb = requireFromPulumi<typeof StructModule>("google-protobuf/google/protobuf/struct_pb");
/** `google.protobuf.Empty`, the SDK's copy. */
export const emptypb = requireFromPulumi<typeof EmptyModule>("google-protobuf/google/protobuf/empty_pb");
/** The generated `ResourceProvider` service client. */
export const provgrpc = requireFromPulumi<typeof ProvGrpcModule>("@pulumi/pulumi/proto/provider_grpc_pb");
/** `google.rpc.Status`, which carries structured error details. */
export const statuspb = requireFromPulumi<typeof StatusModule>("@pulumi/pulumi/proto/status_pb");
/** The provider protocol's messages. */
export { provproto };

/** A property map as a `google.protobuf.Struct`. */
export function toStruct(props: JsonObject): StructModule.Struct {
  return structpb.Struct.fromJavaScript(props);
}

/** A `google.protobuf.Struct` (or its absence) as a property map. */
export function fromStruct(struct: StructModule.Struct | undefined): JsonObject {
  return struct ? struct.toJavaScript() : {};
}
