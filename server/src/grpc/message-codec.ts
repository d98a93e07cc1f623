import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { DecisionError } from "../errors/index.js";

/**
 * Decodes a request with protobuf-es; bytes that are not a message of the
 * type become MALFORMED_MESSAGE (INVALID_ARGUMENT), never INTERNAL. The
 * handlers of every service but Decide (which has its own decoder) use it.
 */
export function decodeMessage<T extends DescMessage>(schema: T, bytes: Buffer): MessageShape<T> {
  try {
    return fromBinary(schema, bytes);
  } catch {
    throw new DecisionError("MALFORMED_MESSAGE", `request is not a valid ${schema.typeName}`);
  }
}

/** Encodes a response for the identity serializers of `grpcServiceDefinition`. */
export function encodeMessage<T extends DescMessage>(
  schema: T,
  init: Parameters<typeof create<T>>[1],
): Buffer {
  const bytes = toBinary(schema, create(schema, init));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
