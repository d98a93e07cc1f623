import type { DescMethod, DescService } from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

const identity = (b: Buffer): Buffer => b;

/** What grpc-js needs to know about a method besides its serializers: path and streaming. */
export function grpcMethodShape(
  service: DescService,
  method: DescMethod,
): { path: string; requestStream: boolean; responseStream: boolean; originalName: string } {
  return {
    path: `/${service.typeName}/${method.name}`,
    requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
    responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
    originalName: method.name,
  };
}

/**
 * Bridges a protobuf-es service descriptor to a grpc-js ServiceDefinition with
 * identity (Buffer in, Buffer out) serializers on both sides.
 *
 * Handlers decode and encode themselves: grpc-js answers a deserializer that
 * throws with INTERNAL, while a malformed request deserves INVALID_ARGUMENT,
 * and Decide uses its own decoder on the hot path.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const def: Record<string, MethodDefinition<Buffer, Buffer>> = {};
  for (const method of service.methods) {
    def[method.localName] = {
      ...grpcMethodShape(service, method),
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    };
  }
  return def;
}
