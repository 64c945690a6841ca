import { describe, expect, it } from "vitest";
import { translator } from "@/lib/i18n";
import { rewardUnavailable } from "@/lib/rewards/availability";
import { unavailableText } from "@/lib/rewards/availability-text";

const reward = (over: Partial<{ eligibleTiers: string[]; availableFrom: Date | null; availableUntil: Date | null; inventory: number | null }>) => ({
  name: "Lounge",
  inventory: null,
  eligibleTiers: [],
  availableFrom: null,
  availableUntil: null,
  ...over,
});

describe("why a reward is closed, in the reader's language", () => {
  const at = new Date("2030-11-15T12:00:00Z");
  const text = (lang: string, r: ReturnType<typeof reward>, tier: string | null = null) => unavailableText(translator(lang), rewardUnavailable(r, { tier }, at)!, r);

  it("keeps the English words of availability.ts, and says the same in Spanish, French and German", () => {
    const tiers = reward({ eligibleTiers: ["Gold", "Platinum"] });
    expect(text("en", tiers)).toBe("Gold or Platinum members only");
    expect(text("es", tiers)).toBe("Solo para socios Gold o Platinum");
    expect(text("de", tiers)).toBe("Nur für Gold oder Platinum-Mitglieder");
    const soon = reward({ availableFrom: new Date("2030-12-01T00:00:00Z") });
    expect(text("en", soon)).toBe("From 1 Dec");
    expect(text("fr", soon)).toBe("À partir du 1 déc.");
    const over = reward({ availableUntil: new Date("2030-11-10T00:00:00Z") });
    expect(text("es", over)).toBe("Terminó el 9 nov");
    expect(text("de", reward({ inventory: 0 }))).toBe("Ausverkauft");
  });
});
