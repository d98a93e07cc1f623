import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import { clone, create } from "@bufbuild/protobuf";
import { type Policy as PolicyProto, PolicySchema } from "../gen/relevance/v1/policy_pb.js";
import type { Logger } from "../log.js";
import { compilePolicy } from "./compile-policy.js";
import { parsePolicyText, policyFormatOf, readPolicyText } from "./parse-policy.js";
import type { Policy, Weights } from "./policy.js";
import { PolicyError } from "./policy-error.js";
import { validatePolicy } from "./validate-policy.js";

/**
 * The policy in force: the pipeline's compiled form and the proto it was made
 * from (what GetPolicy returns), one immutable object. A decision reads it
 * once and so runs under exactly one version.
 */
export interface PolicyInForce {
  readonly policy: Policy;
  readonly proto: PolicyProto;
}

/**
 * The policy a server runs under until it is given one: version "none", no use
 * cases, no offers, caps, quiet hours or holdouts. The pipeline decides how a
 * use case the policy does not name is served (under this one, every use case).
 */
export const BARE_POLICY: PolicyProto = deepFreeze(create(PolicySchema, { version: "none" }));

export interface PolicyHolderOptions {
  /** Scoring weights under the policy's and each use case's (the server's model, see `modelWeights`). */
  readonly defaults: Weights;
  /** Where swaps and file reload problems are logged. */
  readonly log: Logger;
  /** Quiet time after the last change to a watched file before it is read. @default 100 */
  readonly debounceMs?: number;
}

/** Holds the policy in force and swaps it atomically. */
export interface PolicyHolder {
  /** The policy in force. Read it once per decision. */
  current(): PolicyInForce;
  /**
   * Validates `proto` and, when valid, puts it in force by one assignment.
   * Throws a PolicyError with every problem and keeps the policy in force when
   * it is not. The proto is copied: the caller may change theirs afterwards.
   */
  set(proto: PolicyProto, source?: string): PolicyInForce;
  /** Reads, parses and `set`s a policy file (JSON or YAML by extension). */
  loadFile(path: string): Promise<PolicyInForce>;
  /**
   * Reloads `path` whenever it changes (debounced), keeping the policy in
   * force, and logging the problems, when the new content is invalid. The
   * directory is watched rather than the file, so editors that save by
   * renaming and mounted config maps that swap a symlink are seen too. One
   * file at a time: a second call replaces the first watch.
   */
  watchFile(path: string): void;
  /** Stops watching. The policy in force stays readable. */
  close(): void;
}

/**
 * Creates a holder with BARE_POLICY in force. A `set` (from PolicyService, a
 * file, or start-up) replaces it; the last valid policy stays in force.
 */
export function createPolicyHolder(options: PolicyHolderOptions): PolicyHolder {
  const { defaults, log } = options;
  const debounceMs = options.debounceMs ?? 100;
  let inForce: PolicyInForce = freezeInForce(BARE_POLICY, defaults);
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  // Bumped by every reload; a reload that finds a newer one started drops its result.
  let generation = 0;
  // The text of the file loadFile last put in force, so that watching it does not reload it unchanged.
  let loaded: { readonly path: string; readonly text: string } | null = null;

  const set = (proto: PolicyProto, source = ""): PolicyInForce => {
    const problems = validatePolicy(proto);
    if (problems.length > 0) throw new PolicyError(problems, source);
    const next = freezeInForce(deepFreeze(clone(PolicySchema, proto)), defaults);
    const previous = inForce.policy.version;
    inForce = next;
    log.info("policy in force", { version: next.policy.version, previous, ...(source ? { source } : {}) });
    return next;
  };

  const loadFile = async (path: string): Promise<PolicyInForce> => {
    const format = policyFormatOf(path);
    const text = await readPolicyText(path);
    const next = set(parsePolicyText(text, format, path), path);
    loaded = { path, text };
    return next;
  };

  const stopWatching = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    watcher?.close();
    watcher = null;
    generation++;
  };

  return {
    current: () => inForce,
    set,
    loadFile,
    watchFile(path) {
      stopWatching();
      const format = policyFormatOf(path);
      const name = basename(path);
      // What was last read, valid or not: an event that changes nothing in the file is ignored.
      let lastText = loaded?.path === path ? loaded.text : null;
      const reload = async () => {
        const mine = ++generation;
        let text: string;
        try {
          text = await readPolicyText(path);
        } catch (e) {
          if (mine === generation) {
            log.error("policy file unreadable; keeping the policy in force", {
              file: path,
              version: inForce.policy.version,
              err: e,
            });
          }
          return;
        }
        if (mine !== generation || text === lastText) return;
        lastText = text;
        try {
          set(parsePolicyText(text, format, path), path);
        } catch (e) {
          log.error("policy file is invalid; keeping the policy in force", {
            file: path,
            version: inForce.policy.version,
            problems: e instanceof PolicyError ? e.problems : [String(e)],
          });
        }
      };
      const w = watch(dirname(path), { persistent: false }, (_event, changed) => {
        // A null name (some platforms) or another entry (a config map's `..data` symlink) may be our file.
        if (changed !== null && changed !== name && !changed.startsWith("..")) return;
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          void reload();
        }, debounceMs);
        timer.unref();
      });
      w.on("error", (e) => log.error("policy file watch failed", { file: path, err: e }));
      watcher = w;
    },
    close: stopWatching,
  };
}

function freezeInForce(proto: PolicyProto, defaults: Weights): PolicyInForce {
  return Object.freeze({ policy: compilePolicy(proto, defaults), proto });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
