import { z } from "zod";
import { decimal } from "../decimal-wire.ts";

/** Requests are typed to the OpenAPI DTOs exactly: the vendor rejects any extra property. */
export interface ProductDto {
  code: string;
  name: string;
}
export interface OrderItemDto {
  product: ProductDto;
  price: number;
  cost: number;
  discount?: number;
  quantity: number;
}
export interface OrderDto {
  openedAt: string;
  items: OrderItemDto[];
}
export interface OrganizationDto {
  type: "rkObjectId";
  id: string;
}
export interface GuestIdentityDto {
  type: "phone";
  phone: string;
}

export const tokenWire = z.object({
  token: z.string().min(1),
  refreshToken: z.string().nullish(),
  aliveSecondsTtl: z.number().int().positive(),
});

export const guestWire = z.object({
  guest: z.object({ phone: z.string(), firstName: z.string().nullish(), lastName: z.string().nullish() }).nullish(),
});

const byCode = z.array(z.object({ code: z.string(), total: decimal }));
const bonuses = z.object({
  payments: z.object({ total: decimal, totalByCode: byCode }).nullish(),
  accruals: z.object({ total: decimal }).nullish(),
});
const notification = z.object({ primary: z.string(), secondary: z.string().nullish() });

export const calculateWire = z.object({
  loyalty: z.object({
    fingerprint: z.string().min(1),
    summary: z.object({
      discounts: z.object({ total: decimal, totalByCode: byCode }),
      bonuses: z.object({ min: bonuses, max: bonuses }).nullish(),
    }),
    details: z.object({
      programs: z.array(
        z.object({
          program: z.object({ id: z.string(), name: z.string() }),
          discounts: z.object({ total: decimal, totalByCode: byCode }).nullish(),
          notifications: z.array(notification),
        }),
      ),
      bonuses: z
        .object({
          progress: z.object({
            balance: decimal,
            rank: z.object({ name: z.string(), index: z.number().int(), cashbackPercentage: decimal }),
          }),
          notifications: z.array(notification).nullish(),
        })
        .nullish(),
    }),
  }),
});
export type CalculateWire = z.infer<typeof calculateWire>;

export const idWire = z.object({ id: z.string() });

export const errorWire = z.object({ error: z.object({ code: z.string(), message: z.string().nullish() }) });
