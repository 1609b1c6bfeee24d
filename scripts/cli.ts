/**
 * `cachemir-cli`: a command line for a node's binary port, as `redis-cli` is
 * for RESP. Runs one command and exits, or, without a command, reads
 * commands line by line (an interactive prompt on a terminal, with history
 * and command-name completion).
 *
 * ```sh
 * deno task cli -h 127.0.0.1 -p 7379 SET greeting hello     # OK
 * deno task cli GET greeting                               # "hello"
 * deno task cli --nodes 127.0.0.1:7379,127.0.0.1:7380 GET greeting
 * # -> 127.0.0.1:7380
 * # "hello"
 * deno task cli --json INCR visits                         # {"node":"127.0.0.1:7379","reply":1}
 * deno task cli                                            # 127.0.0.1:7379> _
 * ```
 *
 * Every command goes through {@linkcode CacheMirClient.callBuffer}, so any
 * command of the protocol's table (and any name the node knows: others go
 * as CALL) works. With `--nodes`, the client's ring routes each command and
 * the CLI prints the node that owns its key(s): the client is made with
 * `onNodeDown: "fail"`, so a command is answered by that node or fails,
 * never silently by a stand-in. Replies print as redis-cli prints them
 * (`(integer) 1`, `(nil)`, numbered arrays, quoted strings with `\xNN` for
 * bytes that are not printable ASCII); `--json` prints one JSON object per
 * command, `{"node": ..., "reply": ...}` (or `"error"`). An error reply
 * prints the node's text and makes the exit status 1.
 *
 * @module
 */

import * as readline from "node:readline";
import process from "node:process";
import {
  commandByName,
  COMMANDS,
  keyPositions,
  type RoutePolicy,
} from "@cachemir/protocol";
import {
  CacheMirClient,
  type CallBufferReply,
  type ClientTlsOptions,
  type ClientValue,
  ReplyError,
} from "@cachemir/client";

/** What the command line asked for. */
export interface CliOptions {
  /** The nodes, `host:port`: `-h`/`-p`, or `--nodes`. */
  readonly nodes: string[];
  /** `true` when `--nodes` gave them (then routing is printed). */
  readonly cluster: boolean;
  /** The nodes' password (`-a`), if any. */
  readonly password?: string;
  /**
   * TLS (`--tls`, as redis-cli): the PEM files named by `--cacert`, `--cert`
   * and `--key`, and the name to check (`--sni`); absent without `--tls`.
   */
  readonly tls?: {
    readonly cacert?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly sni?: string;
  };
  /** Print JSON instead of redis-cli's text. */
  readonly json: boolean;
  /** The command and its arguments; empty for the interactive mode. */
  readonly command: string[];
  /** `--help` was given. */
  readonly help: boolean;
}

/** A command line the CLI cannot read; the text says what is wrong. */
export class UsageError extends Error {
  /** @param message What is wrong with the arguments. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The usage text `--help` prints. */
export const USAGE: string = `Usage: cachemir-cli [options] [command [arg ...]]

  -h <host>            node's host (default 127.0.0.1)
  -p <port>            node's binary port (default 7379)
  --nodes <a:1,b:2>    many nodes: commands are routed by the client's ring,
                       and the node that owns the key is printed
  -a <password>        the nodes' password (--requirepass); or CACHEMIR_CLI_AUTH
  --tls                connect over TLS (nodes started with --tls-cert)
  --cacert <file>      with --tls: trust this PEM CA (besides the system's)
  --cert <file>        with --tls: a PEM client certificate (nodes with --tls-ca)
  --key <file>         with --tls: its PEM private key
  --sni <host>         with --tls: the name the node's certificate must have
  --json               one JSON object per command: {"node", "reply"|"error"}
  --help               this text

Without a command, commands are read one per line from stdin (a prompt with
history in ~/.cachemir_cli_history, or CACHEMIR_CLI_HISTFILE, and Tab
completion of command names on a terminal); "quit" or "exit" ends.
An error reply prints the node's text and the exit status is 1.`;

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 7379;

function bracket(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * Reads the command line: options first (as redis-cli: everything from the
 * first word that is not an option is the command and its arguments).
 *
 * @param argv The arguments after the program's name.
 * @param env Reads an environment variable (`CACHEMIR_CLI_AUTH`).
 * @returns The options.
 * @throws {UsageError} On an unknown option, a missing value or a bad port.
 *
 * @example
 * ```ts
 * import { parseCliArgs } from "./cli.ts";
 * console.log(parseCliArgs(["-p", "7380", "GET", "k"]).nodes); // ["127.0.0.1:7380"]
 * ```
 */
export function parseCliArgs(
  argv: readonly string[],
  env: (name: string) => string | undefined = () => undefined,
): CliOptions {
  let host = DEFAULT_HOST;
  let port = DEFAULT_PORT;
  let nodes: string[] | undefined;
  let password = env("CACHEMIR_CLI_AUTH");
  let json = false;
  let help = false;
  let tls = false;
  const tlsFiles: {
    cacert?: string;
    cert?: string;
    key?: string;
    sni?: string;
  } = {};
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    i += 2;
    return v;
  };
  while (i < argv.length) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--host") host = value(arg);
    else if (arg === "-p" || arg === "--port") {
      const text = value(arg);
      port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
      if (!(port >= 1 && port <= 65535)) {
        throw new UsageError(
          `Invalid port "${text}": expected an integer from 1 to 65535`,
        );
      }
    } else if (arg === "--nodes") {
      nodes = value(arg).split(",").map((s) => s.trim()).filter((s) =>
        s !== ""
      );
      if (nodes.length === 0) {
        throw new UsageError("--nodes needs at least one host:port");
      }
    } else if (arg === "-a" || arg === "--pass") password = value(arg);
    else if (arg === "--tls") {
      tls = true;
      i++;
    } else if (
      arg === "--cacert" || arg === "--cert" || arg === "--key" ||
      arg === "--sni"
    ) {
      tlsFiles[arg.slice(2) as keyof typeof tlsFiles] = value(arg);
    } else if (arg === "--json") {
      json = true;
      i++;
    } else if (arg === "--help") {
      help = true;
      i++;
    } else if (arg === "--") {
      i++;
      break;
    } else if (arg.startsWith("-") && arg.length > 1) {
      throw new UsageError(`Unknown option ${arg} (see --help)`);
    } else break;
  }
  const given = Object.keys(tlsFiles);
  if (!tls && given.length > 0) {
    throw new UsageError(`--${given[0]} needs --tls`);
  }
  if ((tlsFiles.cert === undefined) !== (tlsFiles.key === undefined)) {
    throw new UsageError("--cert and --key go together");
  }
  return {
    nodes: nodes ?? [`${bracket(host)}:${port}`],
    cluster: nodes !== undefined,
    password: password === "" ? undefined : password,
    ...(tls ? { tls: tlsFiles } : {}),
    json,
    command: argv.slice(i),
    help,
  };
}

/** The client's TLS options from the files `--tls` named. */
async function tlsOptions(
  files: NonNullable<CliOptions["tls"]>,
): Promise<ClientTlsOptions> {
  const read = (file: string | undefined) =>
    file === undefined ? undefined : Deno.readTextFile(file);
  const [ca, cert, key] = await Promise.all([
    read(files.cacert),
    read(files.cert),
    read(files.key),
  ]);
  return {
    ...(ca === undefined ? {} : { caCerts: [ca] }),
    ...(files.sni === undefined ? {} : { hostname: files.sni }),
    ...(cert === undefined || key === undefined ? {} : { cert, key }),
  };
}

// ------------------------------------------------------------- the replies

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Quotes bytes as redis-cli shows a bulk string: `"..."`, with `\\`, `\"`,
 * `\n`, `\r`, `\t`, `\a`, `\b` and `\xNN` for other bytes that are not
 * printable ASCII.
 *
 * @param bytes The string's bytes.
 * @returns The quoted text.
 *
 * @example
 * ```ts
 * import { quoteBytes } from "./cli.ts";
 * console.log(quoteBytes(new TextEncoder().encode('a"b\n'))); // "a\"b\n" (quoted)
 * ```
 */
export function quoteBytes(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    switch (b) {
      case 0x5c:
        out += "\\\\";
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x07:
        out += "\\a";
        break;
      case 0x08:
        out += "\\b";
        break;
      default:
        out += b >= 0x20 && b < 0x7f
          ? String.fromCharCode(b)
          : `\\x${b.toString(16).padStart(2, "0")}`;
    }
  }
  return out + '"';
}

/**
 * Formats a reply as redis-cli does on a terminal: bulk strings quoted,
 * status words bare, `(integer) n`, `(double) x`, `(nil)`, arrays numbered
 * (nested arrays indented under their number), `(empty array)`.
 *
 * @param reply A reply from {@linkcode CacheMirClient.callBuffer}: bytes for
 * a bulk string, text for OK and status words.
 * @param pad The indentation of every line after the first.
 * @returns The text, without a final newline.
 *
 * @example
 * ```ts
 * import { formatReply } from "./cli.ts";
 * console.log(formatReply([1, null, new TextEncoder().encode("v")]));
 * // 1) (integer) 1
 * // 2) (nil)
 * // 3) "v"
 * ```
 */
export function formatReply(reply: CallBufferReply, pad = ""): string {
  if (reply === null) return "(nil)";
  if (reply instanceof Uint8Array) return quoteBytes(reply);
  if (typeof reply === "string") return reply;
  if (typeof reply === "bigint") return `(integer) ${reply}`;
  if (typeof reply === "number") {
    return Number.isInteger(reply) ? `(integer) ${reply}` : `(double) ${reply}`;
  }
  if (reply.length === 0) return "(empty array)";
  const width = String(reply.length).length;
  const lines: string[] = [];
  for (let i = 0; i < reply.length; i++) {
    const label = `${String(i + 1).padStart(width)}) `;
    const inner = formatReply(reply[i], pad + " ".repeat(label.length));
    lines.push((i === 0 ? "" : pad) + label + inner);
  }
  return lines.join("\n");
}

/** A reply as JSON can hold it. */
export type JsonReply =
  | string
  | number
  | null
  | { readonly base64: string }
  | JsonReply[];

/**
 * A reply as a JSON value: text as a string (bytes that are not UTF-8 as
 * `{"base64": "..."}`), integers as numbers (as strings beyond ±(2^53 − 1)),
 * nil as `null`, arrays as arrays.
 *
 * @param reply A reply from {@linkcode CacheMirClient.callBuffer}.
 * @returns A value `JSON.stringify` takes.
 *
 * @example
 * ```ts
 * import { toJsonReply } from "./cli.ts";
 * console.log(JSON.stringify(toJsonReply([new Uint8Array([0xff]), 2n ** 60n])));
 * // [{"base64":"/w=="},"1152921504606846976"]
 * ```
 */
export function toJsonReply(reply: CallBufferReply): JsonReply {
  if (reply === null || typeof reply === "string") return reply;
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") {
    return reply >= BigInt(Number.MIN_SAFE_INTEGER) &&
        reply <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(reply)
      : reply.toString();
  }
  if (reply instanceof Uint8Array) {
    try {
      return utf8.decode(reply);
    } catch {
      let binary = "";
      for (const b of reply) binary += String.fromCharCode(b);
      return { base64: btoa(binary) };
    }
  }
  return reply.map(toJsonReply);
}

// ------------------------------------------------------------- the input

/**
 * Splits a typed line into arguments as redis-cli does: spaces separate;
 * `"..."` may hold `\"`, `\\`, `\n`, `\r`, `\t`, `\a`, `\b` and `\xNN`;
 * `'...'` holds everything but `\'` literally.
 *
 * @param line The line.
 * @returns The arguments as bytes.
 * @throws {UsageError} On an unbalanced quote, or a quote not followed by a space.
 *
 * @example
 * ```ts
 * import { splitLine } from "./cli.ts";
 * const args = splitLine(`SET k "a b\\x41"`).map((b) => new TextDecoder().decode(b));
 * console.log(args); // ["SET", "k", "a bA"]
 * ```
 */
export function splitLine(line: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  const n = line.length;
  const bad = (): never => {
    throw new UsageError("Invalid argument(s)");
  };
  while (true) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) return out;
    const bytes: number[] = [];
    const push = (s: string) => bytes.push(...encoder.encode(s));
    let done = false;
    const quote = line[i] === '"' || line[i] === "'" ? line[i] : "";
    if (quote !== "") i++;
    while (!done) {
      if (i >= n) {
        if (quote !== "") bad();
        break;
      }
      const c = line[i];
      if (quote === "") {
        if (/\s/.test(c)) done = true;
        else push(c);
        i++;
      } else if (quote === '"' && c === "\\" && i + 1 < n) {
        const e = line[i + 1];
        if (
          e === "x" && i + 3 < n &&
          /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))
        ) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        const map: Record<string, string> = {
          n: "\n",
          r: "\r",
          t: "\t",
          a: "\x07",
          b: "\b",
        };
        push(map[e] ?? e);
        i += 2;
      } else if (quote === "'" && c === "\\" && line[i + 1] === "'") {
        push("'");
        i += 2;
      } else if (c === quote) {
        i++;
        if (i < n && !/\s/.test(line[i])) bad();
        done = true;
      } else {
        // A whole code point (a surrogate pair stays together).
        const cp = line.codePointAt(i)!;
        push(String.fromCodePoint(cp));
        i += cp > 0xffff ? 2 : 1;
      }
    }
    out.push(new Uint8Array(bytes));
  }
}

const WORDS: readonly string[] = [
  ...new Set([...COMMANDS.map((c) => c.name), "QUIT", "EXIT"]),
].sort();

/**
 * Completes the command name at the start of a line (Tab at the prompt):
 * `node:readline`'s completer. Names come from the protocol's command
 * table; they are offered in the case the word was typed in.
 *
 * @param line The line so far.
 * @returns The candidates and the part they complete.
 *
 * @example
 * ```ts
 * import { completeCommand } from "./cli.ts";
 * console.log(completeCommand("hge")); // [["hget", "hgetall"], "hge"]
 * ```
 */
export function completeCommand(line: string): [string[], string] {
  const word = line.trimStart();
  if (/\s/.test(word)) return [[], line];
  const upper = word.toUpperCase();
  const lower = word === word.toLowerCase() && word !== "";
  const hits = WORDS.filter((w) => w.startsWith(upper)).map((w) =>
    lower ? w.toLowerCase() : w
  );
  return [hits, word];
}

// ------------------------------------------------------------- routing

const ROUTES: Record<RoutePolicy, string> = {
  "first-up": "the first node up",
  "sum": "every node (replies summed)",
  "concat": "every node (replies concatenated)",
  "all-succeed": "every node",
  "walk": "every node, one after another",
  "random": "a random node",
  "top": "every node (lists merged by key)",
};

/**
 * Where the client sends a command: the node that owns its key (all its
 * keys' nodes when they are on several), or what its route policy says
 * for a command without keys.
 *
 * @param client The client, holding the ring.
 * @param args The command and its arguments.
 * @returns The node's address (`host:port`), or a few words.
 *
 * @example
 * ```ts
 * import { CacheMirClient } from "@cachemir/client";
 * import { routeOf } from "./cli.ts";
 * const client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
 * console.log(routeOf(client, ["GET", "k"])); // "127.0.0.1:7379"
 * await client.close();
 * ```
 */
export function routeOf(
  client: CacheMirClient,
  args: readonly Uint8Array[],
): string {
  const name = new TextDecoder().decode(args[0]);
  const info = commandByName(name);
  // A name the table does not know goes as CALL, to the first node up.
  if (info === undefined) return ROUTES["first-up"];
  const rest = args.slice(1);
  let countArg: number | undefined;
  if (info.keys.countAt !== undefined) {
    countArg = Number(new TextDecoder().decode(rest[info.keys.countAt - 1]));
  }
  const positions = keyPositions(info, rest.length, countArg);
  if (positions.length === 0) {
    return info.route === undefined ? client.nodes()[0] : ROUTES[info.route];
  }
  const owners = new Set(positions.map((p) => client.nodeFor(rest[p])));
  return [...owners].join(", ");
}

// ------------------------------------------------------------- running

/** Where the CLI writes: stdout's and stderr's text. */
export interface CliOutput {
  /** Writes text to standard output. */
  out(text: string): void;
  /** Writes text to standard error. */
  err(text: string): void;
}

const STD: CliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs one command and prints its reply (or its error).
 *
 * @param client The client.
 * @param options The command line's options (`json`, `cluster`).
 * @param args The command and its arguments.
 * @param io Where to print.
 * @param errorsTo Where an error's text goes as text (not JSON).
 * @returns `true` when the node answered without an error.
 */
async function runCommand(
  client: CacheMirClient,
  options: CliOptions,
  args: Uint8Array[],
  io: CliOutput,
  errorsTo: "out" | "err",
): Promise<boolean> {
  const node = routeOf(client, args);
  const name = new TextDecoder().decode(args[0]);
  const values: ClientValue[] = args.slice(1);
  try {
    const reply = await client.callBuffer(name, ...values);
    if (options.json) {
      io.out(JSON.stringify({ node, reply: toJsonReply(reply) }) + "\n");
    } else {
      if (options.cluster) io.out(`-> ${node}\n`);
      io.out(formatReply(reply) + "\n");
    }
    return true;
  } catch (e) {
    const text = e instanceof ReplyError ? e.message : errorText(e);
    if (options.json) io.out(JSON.stringify({ node, error: text }) + "\n");
    else {
      if (options.cluster) io.out(`-> ${node}\n`);
      io[errorsTo](
        e instanceof ReplyError
          ? `(error) ${text}\n`
          : `Could not reach ${node}: ${text}\n`,
      );
    }
    return false;
  }
}

/**
 * The history file: `CACHEMIR_CLI_HISTFILE`, else `.cachemir_cli_history`
 * in the user's home (as redis-cli's `~/.rediscli_history`); `""` (no
 * home, or the variable set empty) keeps no history.
 *
 * @param env Reads an environment variable.
 * @returns The file's path, or `""`.
 */
export function historyPath(
  env: (name: string) => string | undefined,
): string {
  const set = env("CACHEMIR_CLI_HISTFILE");
  if (set !== undefined) return set;
  const home = env("HOME") ?? env("USERPROFILE");
  return home === undefined || home === ""
    ? ""
    : `${home.replace(/[\\/]$/, "")}/.cachemir_cli_history`;
}

const HISTORY_SIZE = 1000;

/**
 * Reads the history file: its lines, oldest first (at most the last 1000).
 *
 * @param path The file; `""` or a missing file give `[]`.
 * @returns The lines.
 */
export function loadHistory(path: string): string[] {
  if (path === "") return [];
  try {
    return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "")
      .slice(-HISTORY_SIZE);
  } catch {
    return [];
  }
}

/**
 * Reads commands line by line and runs each: with a prompt, history and
 * completion when stdin is a terminal; without a prompt when it is piped.
 */
async function repl(
  client: CacheMirClient,
  options: CliOptions,
  io: CliOutput,
): Promise<boolean> {
  const tty = process.stdin.isTTY === true;
  const path = tty ? historyPath((n) => Deno.env.get(n)) : "";
  const history = loadHistory(path);
  const rl = readline.createInterface({
    input: process.stdin,
    output: tty ? process.stdout : undefined,
    terminal: tty,
    completer: completeCommand,
    history: [...history].reverse(),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  // Ctrl-C at the prompt ends, as in redis-cli (readline would pause).
  rl.on("SIGINT", () => rl.close());
  const label = options.cluster ? "cluster" : options.nodes[0];
  rl.setPrompt(`${label}> `);
  let ok = true;
  if (tty) rl.prompt();
  for await (const line of rl) {
    let args: Uint8Array[];
    try {
      args = splitLine(line);
    } catch (e) {
      io.out(`${errorText(e)}\n`);
      ok = false;
      if (tty) rl.prompt();
      continue;
    }
    if (args.length > 0) {
      const word = new TextDecoder().decode(args[0]).toLowerCase();
      if (word === "quit" || word === "exit") break;
      if (path !== "" && line !== history.at(-1)) {
        history.push(line);
        try {
          Deno.writeTextFileSync(path, line + "\n", { append: true });
        } catch { /* a history that cannot be written is no reason to stop */ }
      }
      ok = await runCommand(client, options, args, io, "out") && ok;
    }
    if (tty) rl.prompt();
  }
  rl.close();
  return ok || tty;
}

/**
 * Runs the CLI.
 *
 * @param argv The arguments after the program's name.
 * @param io Where to print.
 * @returns The exit status: 0, 1 when a command failed (an error reply, a
 * node out of reach), 2 for a bad command line.
 */
export async function main(
  argv: readonly string[],
  io: CliOutput = STD,
): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, (n) => Deno.env.get(n));
  } catch (e) {
    io.err(`${errorText(e)}\n`);
    return 2;
  }
  if (options.help) {
    io.out(USAGE + "\n");
    return 0;
  }
  const client = new CacheMirClient({
    nodes: options.nodes,
    password: options.password,
    ...(options.tls === undefined
      ? {}
      : { tls: await tlsOptions(options.tls) }),
    onNodeDown: "fail",
    retry: { attempts: 1 },
    connectTimeoutMs: 5000,
  });
  client.addEventListener("error", () => {/* printed by the command */});
  try {
    if (options.command.length > 0) {
      const args = options.command.map((a) => encoder.encode(a));
      return await runCommand(client, options, args, io, "err") ? 0 : 1;
    }
    return await repl(client, options, io) ? 0 : 1;
  } finally {
    await client.close();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
