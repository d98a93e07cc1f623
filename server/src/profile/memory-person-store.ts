import type { MemoryCapStore } from "../caps/memory-cap-store.js";
import { ALL_CONSENT, Consent } from "../domain/consent.js";
import type {
  ConsentRecord,
  PersonStateCommit,
  PersonStateRead,
  PersonStateStore,
} from "../domain/stores.js";
import type { MemoryConsent, MemoryPeople, MemoryProfileStore } from "./memory-profile-store.js";
import {
  assertConsentChange,
  assertMergeArguments,
  assertVersion,
  GPC_PURPOSES,
  NO_CONSENT,
  type PersonStateStoreOptions,
  resolvePersonStateStoreOptions,
} from "./person-store-options.js";
import { linkedIdsOf } from "./redis-person-store.js";

/** Options of `createMemoryPersonStore`. */
export interface MemoryPersonStoreOptions extends PersonStateStoreOptions {
  /**
   * The in-process `ProfileStore` Decide reads: this store writes into its
   * maps, so `readPerson` sees commits, consent and merges.
   */
  readonly profiles: MemoryProfileStore;
  /**
   * The in-process cap store, when there is one: merge moves a person's caps
   * to the person kept and Forget deletes them, as the Redis scripts do.
   * @default undefined
   */
  readonly caps?: MemoryCapStore;
}

const PURPOSES: readonly number[] = Object.values(Consent);

interface State {
  readonly state: Uint8Array;
  readonly version: number;
}

/**
 * Creates the embedded `PersonStateStore`: the Redis store's semantics on
 * Maps in this process, next to (and sharing the maps of) the memory
 * `ProfileStore`; the same contract tests hold both to one behaviour. Seen
 * event ids and tombstones expire as in Redis; the other records live as long
 * as the process (`personTtlMs` is validated but not applied), like the
 * memory store's profiles.
 */
export function createMemoryPersonStore(options: MemoryPersonStoreOptions): PersonStateStore {
  const { tombstoneTtlMs, dedupeWindowMs, maxSeenEvents } = resolvePersonStateStoreOptions(options);
  const people: MemoryPeople | undefined = options.profiles?.people;
  if (people === undefined) {
    throw new TypeError("options.profiles must be a store made by createMemoryProfileStore");
  }
  const { profiles, caps, redeemed, consent, aliases } = people;
  /** `:f`. */
  const states = new Map<string, State>();
  /** `:seen`: event id → applied-at ms. */
  const seen = new Map<string, Map<string, number>>();
  /** `:links`: `u:<merged id>` and `i:<identifier key>`. */
  const links = new Map<string, Set<string>>();
  /** `idn:<identifier key>` → person id. */
  const identifiers = new Map<string, string>();
  /** `forgotten:<tombstone>` → expires-at ms. */
  const tombstones = new Map<string, number>();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new Error("person store is closed");
  };

  const isForgotten = (tombstone: string, now: number): boolean => {
    const until = tombstones.get(tombstone);
    if (until === undefined) return false;
    if (until > now) return true;
    tombstones.delete(tombstone);
    return false;
  };

  const profileConsent = (id: string): number | undefined => {
    const raw = profiles.get(id);
    return raw === undefined || raw.length < 3 ? undefined : raw[2]! & ALL_CONSENT;
  };

  const writeEffective = (id: string, c: MemoryConsent): void => {
    c.effective = effectiveConsent(c, profileConsent(id));
  };

  // As initConsent in the Redis scripts: the first record captures the
  // profile's consent byte as grants at time 0.
  const initConsent = (id: string): void => {
    if (consent.has(id)) return;
    const pc = profileConsent(id);
    if (pc === undefined) return;
    const c: MemoryConsent = { records: new Map(), gpcAtMs: undefined, effective: NO_CONSENT };
    for (const b of PURPOSES) if ((pc & b) !== 0) c.records.set(b, { atMs: 0, granted: true });
    writeEffective(id, c);
    consent.set(id, c);
  };

  const trimSeen = (id: string, mine: Map<string, number>, now: number): void => {
    const since = now - dedupeWindowMs;
    for (const [eventId, at] of mine) if (at <= since) mine.delete(eventId);
    if (mine.size > maxSeenEvents) {
      // Oldest first, ties by id: the order of the Redis sorted set.
      const order = [...mine].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (let i = 0; i < order.length - maxSeenEvents; i++) mine.delete(order[i]![0]);
    }
    if (mine.size === 0) seen.delete(id);
    else seen.set(id, mine);
  };

  const addLink = (id: string, member: string): void => {
    let mine = links.get(id);
    if (mine === undefined) {
      mine = new Set();
      links.set(id, mine);
    }
    mine.add(member);
  };

  // As the merge script: per purpose, denied when denied on either side (the
  // stricter value), otherwise granted when granted on either side: a side
  // with no record said nothing.
  const mergeConsent = (into: string, from: string): void => {
    const a = consent.get(into);
    const b = consent.get(from);
    const pa = profileConsent(into);
    const pb = profileConsent(from);
    const merged: MemoryConsent = { records: new Map(), gpcAtMs: undefined, effective: NO_CONSENT };
    for (const bit of PURPOSES) {
      const [kindA, atA] = purposeOf(a, pa, bit);
      const [kindB, atB] = purposeOf(b, pb, bit);
      if (kindA === "unknown" && kindB === "unknown") continue;
      const granted = kindA !== "denied" && kindB !== "denied";
      merged.records.set(bit, { atMs: Math.max(atA, atB), granted });
    }
    for (const gpcAtMs of [a?.gpcAtMs, b?.gpcAtMs]) {
      if (gpcAtMs !== undefined && (merged.gpcAtMs === undefined || gpcAtMs > merged.gpcAtMs)) {
        merged.gpcAtMs = gpcAtMs;
      }
    }
    consent.set(into, merged);
  };

  const loadOne = (
    userId: string,
    tombstone: string,
    eventIds: readonly string[],
    now: number,
  ): PersonStateRead => {
    const personId = aliases.get(userId) ?? userId;
    if (isForgotten(tombstone, now)) {
      return { personId, forgotten: true, state: null, profile: null, version: 0, seen: new Set() };
    }
    const st = states.get(personId);
    const raw = st === undefined ? profiles.get(personId) : undefined;
    const mine = seen.get(personId);
    const since = now - dedupeWindowMs;
    return {
      personId,
      forgotten: false,
      state: st === undefined ? null : Buffer.from(st.state),
      profile: raw === undefined ? null : Buffer.from(raw),
      version: st?.version ?? 0,
      seen: new Set(eventIds.filter((id) => (mine?.get(id) ?? -Infinity) > since)),
    };
  };

  const commitOne = (c: PersonStateCommit, now: number): "ok" | "conflict" | "forgotten" => {
    if (isForgotten(c.tombstone, now)) return "forgotten";
    if (aliases.has(c.personId)) return "conflict";
    const version = states.get(c.personId)?.version ?? 0;
    if (version !== c.expectedVersion) return "conflict";
    initConsent(c.personId);
    states.set(c.personId, { state: Uint8Array.from(c.state), version: version + 1 });
    profiles.set(c.personId, Uint8Array.from(c.profile));
    const mine = seen.get(c.personId) ?? new Map<string, number>();
    for (const id of c.eventIds) mine.set(id, now);
    trimSeen(c.personId, mine, now);
    return "ok";
  };

  return {
    kind: "memory",

    async load(userId, tombstone, eventIds) {
      assertOpen();
      return loadOne(userId, tombstone, eventIds, Date.now());
    },

    async loadMany(requests) {
      assertOpen();
      const now = Date.now();
      return requests.map((r) => loadOne(r.userId, r.tombstone, r.eventIds, now));
    },

    async commit(c) {
      assertOpen();
      assertVersion("commit.expectedVersion", c.expectedVersion);
      return commitOne(c, Date.now());
    },

    async commitMany(commits) {
      assertOpen();
      for (const c of commits) assertVersion("commit.expectedVersion", c.expectedVersion);
      const now = Date.now();
      return commits.map((c) => commitOne(c, now));
    },

    async updateConsent(userId, tombstone, change, atMs) {
      assertOpen();
      assertConsentChange(change, atMs);
      if (isForgotten(tombstone, Date.now())) return NO_CONSENT;
      const personId = aliases.get(userId) ?? userId;
      initConsent(personId);
      let c = consent.get(personId);
      if (c === undefined) {
        c = { records: new Map(), gpcAtMs: undefined, effective: NO_CONSENT };
        consent.set(personId, c);
      }
      for (const b of PURPOSES) {
        if (((change.granted | change.denied) & b) === 0) continue;
        // A purpose in both is denied; at equal times a denial wins too.
        const granted = (change.denied & b) === 0;
        const current = c.records.get(b);
        if (current === undefined || atMs > current.atMs || (atMs === current.atMs && !granted)) {
          c.records.set(b, { atMs, granted });
        }
      }
      if (change.globalOptOut && (c.gpcAtMs === undefined || atMs > c.gpcAtMs)) c.gpcAtMs = atMs;
      writeEffective(personId, c);
      return c.effective;
    },

    async readConsent(personId) {
      assertOpen();
      const c = consent.get(personId);
      if (c !== undefined) return c.effective;
      const pc = profileConsent(personId);
      return pc === undefined ? null : { granted: pc, denied: 0, globalOptOut: false };
    },

    async resolve(userId) {
      assertOpen();
      return aliases.get(userId) ?? userId;
    },

    async lookupIdentifiers(hashes) {
      assertOpen();
      const found = new Map<string, string>();
      for (const h of hashes) {
        const owner = identifiers.get(h);
        if (owner !== undefined) found.set(h, owner);
      }
      return found;
    },

    async merge(m) {
      assertOpen();
      assertMergeArguments(m);
      const { into, from } = m;
      if (aliases.has(into) || aliases.has(from)) return "conflict";
      const vi = states.get(into)?.version ?? 0;
      const vf = states.get(from)?.version ?? 0;
      if (vi !== m.intoVersion || vf !== m.fromVersion) return "conflict";
      const now = Date.now();

      mergeConsent(into, from);
      states.set(into, { state: Uint8Array.from(m.state), version: vi + 1 });
      profiles.set(into, Uint8Array.from(m.profile));
      writeEffective(into, consent.get(into)!);

      const capsInto = caps.get(into) ?? new Map<string, number>();
      for (const [sku, until] of caps.get(from) ?? [])
        capsInto.set(sku, Math.max(capsInto.get(sku) ?? 0, until));
      for (const [sku, until] of capsInto) if (until <= now) capsInto.delete(sku);
      if (capsInto.size > 0) caps.set(into, capsInto);
      else caps.delete(into);

      const live = [redeemed.get(into), redeemed.get(from)].filter(
        (r) => r !== undefined && r.expiresAtMs > now,
      );
      if (live.length > 0) {
        redeemed.set(into, {
          skus: new Set(live.flatMap((r) => [...r!.skus])),
          expiresAtMs: Math.max(...live.map((r) => r!.expiresAtMs)),
        });
      } else {
        redeemed.delete(into);
      }

      const seenInto = seen.get(into) ?? new Map<string, number>();
      for (const [id, at] of seen.get(from) ?? []) seenInto.set(id, Math.max(seenInto.get(id) ?? 0, at));
      trimSeen(into, seenInto, now);

      aliases.set(from, into);
      for (const member of links.get(from) ?? []) {
        const rest = member.slice(2);
        if (member.startsWith("u:") && rest !== into) {
          aliases.set(rest, into);
          addLink(into, member);
        } else if (member.startsWith("i:") && identifiers.get(rest) === from) {
          identifiers.set(rest, into);
          addLink(into, member);
        }
      }
      addLink(into, `u:${from}`);
      for (const map of [profiles, states, caps, redeemed, seen, consent, links]) map.delete(from);
      options.caps?.mergePerson(into, from);
      return "ok";
    },

    async linkIdentifiers(personId, hashes) {
      assertOpen();
      for (const h of hashes) {
        const owner = identifiers.get(h);
        if (owner !== undefined && owner !== personId) {
          const theirs = links.get(owner);
          theirs?.delete(`i:${h}`);
          if (theirs?.size === 0) links.delete(owner);
        }
        identifiers.set(h, personId);
        addLink(personId, `i:${h}`);
      }
    },

    async linkedIds(personId) {
      assertOpen();
      return linkedIdsOf(personId, links.get(personId) ?? []);
    },

    async forget(personId, tombstoneList) {
      assertOpen();
      const ids = [personId];
      const identifierKeys: string[] = [];
      for (const member of links.get(personId) ?? []) {
        if (member.startsWith("u:")) ids.push(member.slice(2));
        else if (member.startsWith("i:")) identifierKeys.push(member.slice(2));
      }
      let deleted = 0;
      for (const id of ids) {
        // The profile and the state are one key in Redis (fields of :f), so one here too.
        const hadState = profiles.delete(id);
        if (states.delete(id) || hadState) deleted++;
        for (const map of [caps, redeemed, seen, consent, aliases, links]) {
          if (map.delete(id)) deleted++;
        }
        deleted += options.caps?.forgetPerson(id) ?? 0;
      }
      for (const k of identifierKeys) {
        const owner = identifiers.get(k);
        if (owner !== undefined && ids.includes(owner) && identifiers.delete(k)) deleted++;
      }
      const until = Date.now() + tombstoneTtlMs;
      for (const t of tombstoneList) tombstones.set(t, until);
      return deleted;
    },

    async close() {
      closed = true;
      states.clear();
      seen.clear();
      links.clear();
      identifiers.clear();
      tombstones.clear();
    },
  };
}

/**
 * One side's view of a purpose when two persons merge: its record, else the
 * profile's consent bit as a grant at time 0, else unknown.
 */
function purposeOf(
  c: MemoryConsent | undefined,
  pc: number | undefined,
  bit: number,
): ["granted" | "denied" | "unknown", number] {
  const r = c?.records.get(bit);
  if (r !== undefined) return [r.granted ? "granted" : "denied", r.atMs];
  if (pc !== undefined && (pc & bit) !== 0) return ["granted", 0];
  return ["unknown", 0];
}

/**
 * Consent in force from a person's records, as the Redis scripts compute
 * `eff`: a purpose with a record takes its latest value; without one, the
 * profile's consent bit `pc` (unknown without a profile: not granted). While
 * the global opt-out is on, `GPC_PURPOSES` are withdrawn unless granted after it.
 */
function effectiveConsent(c: MemoryConsent, pc: number | undefined): ConsentRecord {
  let granted = 0;
  let denied = 0;
  const gpc = c.gpcAtMs;
  for (const b of PURPOSES) {
    const r = c.records.get(b);
    let on = false;
    let grantedAt: number | undefined;
    if (r !== undefined) {
      if (r.granted) {
        on = true;
        grantedAt = r.atMs;
      } else {
        denied |= b;
      }
    } else if (pc !== undefined && (pc & b) !== 0) {
      on = true;
    }
    if (gpc !== undefined && (GPC_PURPOSES & b) !== 0 && !(grantedAt !== undefined && grantedAt > gpc)) {
      on = false;
      denied |= b;
    }
    if (on) granted |= b;
  }
  return { granted, denied, globalOptOut: gpc !== undefined };
}
