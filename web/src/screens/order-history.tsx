import { MiniAppOrderHistoryDocument } from "../../../generated/graphql/graphql.ts";
import { useQuery } from "../api/use-query.ts";
import { ErrorNote, problemOf } from "../components/error-note.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { go, useApp } from "../store.ts";

/** The user's orders in this shop, newest first (myOrders). */
export function OrderHistory() {
  const s = useApp();
  const q = useQuery(MiniAppOrderHistoryDocument, { shopId: s.shop.id, first: 20 }, !s.me);
  const result = q.data?.myOrders;
  const problem = q.failure ?? (result ? problemOf(result) : null);
  const edges = result?.__typename === "QueryMyOrdersSuccess" ? result.data.edges : [];
  return (
    <section class="screen" data-screen="orders">
      {!s.me && <p class="hint">{t.pointsNeedPhone}</p>}
      {q.loading && <p class="hint">{t.loading}</p>}
      <ErrorNote problem={problem} />
      {s.me && !q.loading && edges.length === 0 && <p class="hint">{t.noOrders}</p>}
      <ul class="orders">
        {edges.map(({ node }) => (
          <li key={node.id} data-order={node.id}>
            <button onClick={() => go({ name: "order", id: node.id })}>
              <span>
                {node.providerRefs.orderReference ? `№${node.providerRefs.orderReference} · ` : ""}
                {new Date(node.createdAt).toLocaleDateString(language, { timeZone: s.shop.timeZone })}
              </span>
              <span class="hint">{node.lines.map((l) => `${l.name} × ${l.quantity}`).join(", ")}</span>
              <span>
                <b>{rub(node.total.amount, language)}</b> ·{" "}
                <span data-status={node.status}>{t.status[node.status] ?? node.status}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
