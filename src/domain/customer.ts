export interface CustomerLinkRecord {
  id: string;
  shopId: string;
  phone: string;
  telegramUserId: string | null;
}
