import { ProductDocument } from "../../../generated/graphql/graphql.ts";
import { useQuery } from "../api/use-query.ts";
import { ErrorNote, problemOf } from "../components/error-note.tsx";
import { PrimaryAction } from "../components/primary-action.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { setQuantity, useApp } from "../store.ts";

const stockText = (inStock: number | null | undefined) =>
  inStock == null ? t.madeToOrder : inStock > 0 ? t.inStock(inStock) : t.outOfStock;

/** One product: its photos, description, and price and stock at each store. */
export function ProductCard({ id }: { id: string }) {
  const s = useApp();
  const q = useQuery(ProductDocument, { shopId: s.shop.id, id, storeId: s.storeId });
  const result = q.data?.product;
  const problem = q.failure ?? (result ? problemOf(result) : null);
  if (!result || result.__typename !== "QueryProductSuccess")
    return (
      <section class="screen" data-screen="product">
        {q.loading ? <p class="hint">{t.loading}</p> : <ErrorNote problem={problem} />}
      </section>
    );
  const p = result.data;
  const here = p.availability.find((a) => a.store.id === s.storeId);
  const soldHere = !s.storeId || !!here;
  const outHere = here?.inStock === 0;
  const inCart = s.cart.find((l) => l.productId === p.id)?.quantity ?? 0;
  return (
    <section class="screen" data-screen="product">
      {p.photoUrls.length > 0 && (
        <div class="photos" tabindex={0} role="group" aria-label={t.photoOf(p.name)}>
          {p.photoUrls.map((url, i) => (
            <img src={url} alt={i === 0 ? p.name : `${p.name} (${i + 1})`} key={url} />
          ))}
        </div>
      )}
      <h2>{p.name}</h2>
      <p class="price big">{rub(p.price.amount, language)}</p>
      {p.description && <p>{p.description}</p>}
      <ul class="stock">
        {p.availability.map((a) => (
          <li key={a.store.id} class={a.store.id === s.storeId ? "here" : ""}>
            <span>{a.store.title}</span> · <span>{rub(a.price.amount, language)}</span> ·{" "}
            <span class="hint" data-stock={a.store.id}>
              {stockText(a.inStock)}
            </span>
          </li>
        ))}
      </ul>
      {!soldHere && <p class="hint">{t.notSold}</p>}
      <PrimaryAction
        label={inCart ? `${t.inCart}: ${inCart} · +1` : t.addToCart}
        disabled={!soldHere || outHere}
        onClick={() =>
          setQuantity(
            {
              productId: p.id,
              name: p.name,
              unitPrice: p.price.amount,
              currency: p.price.currency,
              thumbnailUrl: p.photoUrls[0] ?? null,
            },
            inCart + 1,
          )
        }
      />
    </section>
  );
}
