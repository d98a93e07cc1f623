import type { RenderedMessage } from "../../../../adapters/src/render/rendered.js";

/** A rendered email message for experience `exp-<n>` (or `experienceId`), with an optional filler body. */
export function message(n: number, overrides: Partial<RenderedMessage> = {}, filler = ""): RenderedMessage {
  return {
    channel: "email",
    experienceId: `exp-${n}`,
    deliveryId: `del-${n}`,
    recipient: `person-${n % 7}`,
    body: { subject: `Hello ${n}`, text: filler === "" ? "Your basket misses you" : filler },
    ...overrides,
  };
}
