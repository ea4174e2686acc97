/** The times open orders hold: what a slot's daily capacity is counted against. */
export interface SlotBookings {
  /**
   * The slot starts (UTC ISO) booked by the shop's orders of this kind that are not cancelled, at one store
   * for pickup (null: every store, for delivery), whose slot starts at or after `from`.
   */
  booked(shopId: string, kind: "PICKUP" | "DELIVERY", storeId: string | null, from: Date): Promise<string[]>;
}
