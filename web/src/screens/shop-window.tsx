import { CatalogDocument } from "../../../generated/graphql/graphql.ts";
import { useQuery } from "../api/use-query.ts";
import { ErrorNote, problemOf } from "../components/error-note.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { go, setQuantity, update, useApp } from "../store.ts";

/** Categories and products of the chosen pickup store, with photos and prices; the store is chosen here. */
export function ShopWindow() {
  const s = useApp();
  const catalog = useQuery(CatalogDocument, { shopId: s.shop.id, storeId: s.storeId, first: 20 });
  const result = catalog.data?.catalog;
  const problem = catalog.failure ?? (result ? problemOf(result) : null);
  const categories = result?.__typename === "QueryCatalogSuccess" ? result.data.categories : [];
  return (
    <section class="screen" data-screen="shop">
      {s.stores.length > 0 && (
        <label class="field">
          <span>{t.store}</span>
          <select
            name="store"
            value={s.storeId ?? ""}
            onChange={(e) => update({ storeId: e.currentTarget.value || null })}
          >
            {s.stores.map((store) => (
              <option value={store.id} key={store.id}>
                {store.title}
                {store.address ? ` — ${store.address}` : ""}
              </option>
            ))}
          </select>
        </label>
      )}
      {catalog.loading && !result && <p class="hint">{t.loading}</p>}
      <ErrorNote problem={problem} />
      {categories.map((category) => (
        <div class="category" key={category.id}>
          <h2>{category.title}</h2>
          <ul class="products">
            {category.products.edges.map(({ node }) => {
              const inCart = s.cart.find((l) => l.productId === node.id);
              const line = {
                productId: node.id,
                name: node.name,
                unitPrice: node.price.amount,
                currency: node.price.currency,
                thumbnailUrl: node.thumbnailUrl ?? null,
              };
              return (
                <li class="product" key={node.id} data-product={node.name}>
                  <button class="product-open" onClick={() => go({ name: "product", id: node.id })}>
                    {node.thumbnailUrl ? (
                      <img src={node.thumbnailUrl} alt={node.name} loading="lazy" width={160} height={160} />
                    ) : (
                      <div class="noimg" />
                    )}
                    <span class="name">{node.name}</span>
                    <span class="price">{rub(node.price.amount, language)}</span>
                  </button>
                  <button
                    class={inCart ? "add in" : "add"}
                    onClick={() => setQuantity(line, (inCart?.quantity ?? 0) + 1)}
                    aria-label={`${inCart ? `${t.inCart}: ${inCart.quantity}` : t.addToCart} — ${node.name}`}
                  >
                    {inCart ? `${t.inCart}: ${inCart.quantity}` : t.addToCart}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}
