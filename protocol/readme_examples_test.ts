import assert from "node:assert/strict";
import readme from "./README.md" with { type: "text" };
import { fromByteString, toByteString } from "./bytes.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import { encodeReply, encodeRequest } from "./frame_writer.ts";
import { decodeRequest } from "./request_decoder.ts";
import { decodeReply } from "./reply_decoder.ts";
import { FLAG_REPLY, type Frame, type Reply } from "./types.ts";

/** Every `**title**` followed by a fenced block of hex, as bytes. */
function examples(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const section = readme.slice(readme.indexOf("## Examples"));
  const re = /^\*\*(.+?)\*\*.*?^```\n([\s\S]*?)^```/gms;
  for (const m of section.matchAll(re)) {
    out.set(m[1], hexToBytes(m[2]));
  }
  return out;
}

/** Parses hex pairs; `xx xx … (300 × xx)` stands for 300 bytes of xx. */
function hexToBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const line of text.split("\n")) {
    const [hex, rest] = line.split("…");
    const tokens = hex.trim().split(/\s+/).filter((t) => t !== "");
    for (const t of tokens) {
      assert.match(t, /^[0-9a-f]{2}$/, `bad hex token ${t} in README`);
      bytes.push(parseInt(t, 16));
    }
    if (rest !== undefined) {
      const m = rest.match(/\((\d+) × ([0-9a-f]{2})\)/);
      assert.ok(m, `bad repeat in README: ${rest}`);
      const n = Number(m[1]);
      const b = parseInt(m[2], 16);
      while (bytes.length > 0 && bytes[bytes.length - 1] === b) bytes.pop();
      for (let i = 0; i < n; i++) bytes.push(b);
    }
  }
  return new Uint8Array(bytes);
}

function frames(bytes: Uint8Array): Frame[] {
  const d = new FrameDecoder();
  d.push(bytes);
  const out: Frame[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) {
    assert.ok(!("kind" in f), `unexpected frame error ${JSON.stringify(f)}`);
    out.push({ ...f, payload: f.payload.slice() });
  }
  assert.equal(d.buffered, 0, "example has bytes after its last frame");
  return out;
}

/** Decodes and re-encodes every frame of an example; returns what it held. */
function roundTrip(
  bytes: Uint8Array,
): { frame: Frame; value: string[] | Reply }[] {
  const out: { frame: Frame; value: string[] | Reply }[] = [];
  let offset = 0;
  for (const frame of frames(bytes)) {
    const size = 12 + frame.payload.length;
    const original = bytes.subarray(offset, offset + size);
    offset += size;
    if (frame.flags & FLAG_REPLY) {
      const reply = decodeReply(frame.payload);
      assert.notEqual(reply.kind, "decode-error", JSON.stringify(reply));
      const again = encodeReply(frame.id, frame.opcode, reply as Reply);
      assert.deepEqual(again, original);
      out.push({ frame, value: reply as Reply });
    } else {
      const args = decodeRequest(frame);
      assert.ok(Array.isArray(args), JSON.stringify(args));
      const again = encodeRequest(
        frame.id,
        frame.opcode,
        args.map(fromByteString),
      );
      assert.deepEqual(again, original);
      out.push({ frame, value: args });
    }
  }
  return out;
}

const all = examples();

Deno.test("README examples: every block decodes and re-encodes byte for byte", () => {
  assert.ok(all.size >= 15, `only ${all.size} examples found`);
  for (const [title, bytes] of all) {
    try {
      roundTrip(bytes);
    } catch (e) {
      throw new Error(`example "${title}": ${(e as Error).message}`);
    }
  }
});

function only(title: string): { frame: Frame; value: string[] | Reply } {
  const bytes = [...all].find(([t]) => t.startsWith(title))?.[1];
  assert.ok(bytes, `no example titled ${title}`);
  const [one] = roundTrip(bytes);
  return one;
}

function text(r: Reply): string {
  assert.equal(r.kind, "bytes");
  return toByteString(r.value as Uint8Array);
}

Deno.test("README examples: requests hold what their titles say", () => {
  const ping = only("PING, id 1");
  assert.equal(ping.frame.opcode, 0x0002);
  assert.equal(ping.frame.id, 1);
  assert.deepEqual(ping.value, []);
  assert.deepEqual(only("SET `k` `v`, id 2").value, ["k", "v"]);
  assert.deepEqual(only("Binary-safe").value, ["\x00\xff", "\x80\r\n\x00"]);
  const call = only("CALL `ECHO`");
  assert.equal(call.frame.opcode, 0);
  assert.deepEqual(call.value, ["ECHO", "hi"]);
  const append = only("A 300-byte argument");
  assert.deepEqual(append.value, ["k", "x".repeat(300)]);
  assert.deepEqual(only("HELLO 1").value, ["1"]);
});

Deno.test("README examples: replies hold what their titles say", () => {
  assert.deepEqual(only("Reply: STATUS").value, {
    kind: "status",
    value: "PONG",
  });
  assert.deepEqual(only("Reply: OK").value, { kind: "ok" });
  const get = roundTrip([...all].find(([t]) => t.startsWith("GET `k`"))![1]);
  assert.deepEqual(get[0].value, ["k"]);
  assert.equal(text(get[1].value as Reply), "v");
  assert.equal(get[1].frame.id, 3);
  assert.deepEqual(only("GET of a missing key").value, { kind: "null" });
  assert.deepEqual(only("Reply: INTEGER 42").value, { kind: "int", value: 42 });
  assert.deepEqual(only("Reply: INTEGER −1").value, { kind: "int", value: -1 });
  assert.deepEqual(only("Reply: FLOAT 1.5").value, {
    kind: "float",
    value: 1.5,
  });
  const arr = only("Reply: ARRAY").value as Reply;
  assert.equal(arr.kind, "array");
  if (arr.kind === "array") {
    assert.equal(text(arr.value[0]), "a");
    assert.deepEqual(arr.value.slice(1), [{ kind: "null" }, {
      kind: "int",
      value: 7,
    }]);
  }
  const map = only("Reply: MAP").value as Reply;
  assert.ok(map.kind === "map" && map.value.length === 1);
  if (map.kind === "map") {
    assert.equal(text(map.value[0][0]), "f");
    assert.equal(text(map.value[0][1]), "v");
  }
  const set = only("Reply: SET").value as Reply;
  assert.ok(set.kind === "set" && text(set.value[0]) === "m");
  const err = only("Reply: ERROR").value;
  assert.deepEqual(err, {
    kind: "error",
    code: "ERR",
    message: "unknown opcode 0x7777",
  });
});
