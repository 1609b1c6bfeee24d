/**
 * The CacheMir wire format: pure encode and decode functions over
 * `Uint8Array`, shared by the node and the client. No I/O.
 *
 * The format is specified byte by byte, with hex examples, in this package's
 * README.md. In short: every frame is a 12-byte header (version, flags,
 * opcode, request id, payload length) and a payload; requests carry
 * arguments, replies carry one typed value.
 *
 * @example Encode a request, decode it, answer it, decode the answer
 * ```ts
 * import {
 *   bytes,
 *   commandByName,
 *   decodeReply,
 *   decodeRequest,
 *   encodeReply,
 *   encodeRequest,
 *   FrameDecoder,
 * } from "@cachemir/protocol";
 *
 * const get = commandByName("GET")!;
 * const server = new FrameDecoder();
 * server.push(encodeRequest(1, get.opcode, ["greeting"]));
 * const frame = server.next();
 * if (frame === undefined || "kind" in frame) throw new Error("no frame");
 * console.log(decodeRequest(frame)); // [ "greeting" ]
 *
 * const client = new FrameDecoder();
 * client.push(encodeReply(frame.id, frame.opcode, bytes("hello")));
 * const reply = client.next();
 * if (reply === undefined || "kind" in reply) throw new Error("no reply");
 * console.log(decodeReply(reply.payload)); // { kind: "bytes", value: Uint8Array(5) [...] }
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./replies.ts";
export * from "./commands.ts";
export * from "./bytes.ts";
export * from "./murmur3.ts";
export * from "./probe.ts";
export {
  FrameDecoder,
  type FrameDecoderOptions,
  FrameView,
} from "./frame_decoder.ts";
export { StreamBuffer, type StreamBufferOptions } from "./stream_buffer.ts";
export { OutputBuffer, type OutputBufferOptions } from "./output_buffer.ts";
export {
  encodeReply,
  encodeRequest,
  FrameWriter,
  TAG,
} from "./frame_writer.ts";
export {
  decodeRequest,
  decodeRequestArgs,
  scanRequestArgs,
} from "./request_decoder.ts";
export { decodeReply } from "./reply_decoder.ts";
