import { z } from "zod";

/** A vendor decimal, as a JSON number or a numeric string; converted to integers by domain/money.ts. */
export const decimal = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);
