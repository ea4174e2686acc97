import type DataLoader from "dataloader";
import type { Viewer } from "./viewer.ts";
import type { CustomerLinkRecord } from "./customer.ts";
import { type AccountKey, type AccountResult, createAccountLoader } from "./account-loader.ts";

/** What a domain call needs to know about the request it serves: who asks, and its loaders. */
export interface RequestScope {
  viewer: Viewer;
  accounts: DataLoader<AccountKey, AccountResult, string>;
  /** The Telegram viewer's linked customer per shop, looked up once per request. */
  viewerLinks: Map<string, Promise<CustomerLinkRecord | null>>;
  /** Shared reads made once per request (the catalog's resources). */
  memo: Map<string, Promise<unknown>>;
}

export function createRequestScope(viewer: Viewer): RequestScope {
  return { viewer, accounts: createAccountLoader(), viewerLinks: new Map(), memo: new Map() };
}
