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

/**
 * Each part is made when first asked for: most requests use one of them or none, and an open
 * subscription makes a scope per event.
 */
class LazyRequestScope implements RequestScope {
  #accounts: RequestScope["accounts"] | undefined;
  #viewerLinks: RequestScope["viewerLinks"] | undefined;
  #memo: RequestScope["memo"] | undefined;

  constructor(public viewer: Viewer) {}

  get accounts(): RequestScope["accounts"] {
    return (this.#accounts ??= createAccountLoader());
  }
  get viewerLinks(): RequestScope["viewerLinks"] {
    return (this.#viewerLinks ??= new Map());
  }
  get memo(): RequestScope["memo"] {
    return (this.#memo ??= new Map());
  }
}

export function createRequestScope(viewer: Viewer): RequestScope {
  return new LazyRequestScope(viewer);
}
