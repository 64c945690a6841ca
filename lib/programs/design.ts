import { z } from "zod";
import { SafeText } from "../input";

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, "colour as #rrggbb");

export const PassDesign = z.object({
  backgroundColor: hex.default("#1f2937"),
  foregroundColor: hex.default("#ffffff"),
  labelColor: hex.default("#d1d5db"),
  logoText: SafeText.max(40).optional(),
  // Data URL or absolute URL of a PNG.
  logoUrl: SafeText.max(200_000).optional(),
  stripUrl: SafeText.max(400_000).optional(),
});
export type PassDesign = z.infer<typeof PassDesign>;
