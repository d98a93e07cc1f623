export type { CandidateList } from "./candidate-list.js";
export { candidateSku, candidateSkus, candidatesFromStrings, NO_CANDIDATES } from "./candidate-list.js";
export type { CatalogItem } from "./catalog-item.js";
export { categorySlot } from "./category-slot.js";
export { ALL_CHANNELS_MASK, CHANNEL_NAMES, Channel, isChannel } from "./channel.js";
export { ALL_CONSENT, Consent, channelPurpose } from "./consent.js";
export type {
  DecidedItem,
  Decision,
  DecisionContext,
  DecisionRequest,
  ExcludedItem,
  ValidDecisionRequest,
} from "./decision.js";
export { Degradation, Treatment } from "./decision.js";
export type { PersonRead, PersonState, Profile } from "./profile.js";
export { LoyaltyTier } from "./profile.js";
export type { CatalogStore, ProfileStore } from "./stores.js";
