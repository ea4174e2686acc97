import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { useEffect, useState } from "preact/hooks";
import type { Problem } from "../components/error-note.tsx";
import { GatewayFailure, request } from "./graphql.ts";

export interface QueryState<R> {
  data: R | null;
  failure: Problem | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a persisted query when its variables change; the last answer wins. */
export function useQuery<R, V>(doc: TypedDocumentNode<R, V>, variables: V, skip = false): QueryState<R> {
  const key = JSON.stringify(variables);
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<Omit<QueryState<R>, "reload">>({ data: null, failure: null, loading: !skip });
  useEffect(() => {
    if (skip) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    request(doc, variables).then(
      (data) => live && setState({ data, failure: null, loading: false }),
      (error: unknown) =>
        live &&
        setState({
          data: null,
          failure: error instanceof GatewayFailure ? { code: error.code, message: error.message } : { code: "NETWORK" },
          loading: false,
        }),
    );
    return () => {
      live = false;
    };
  }, [key, nonce, skip]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}

export const failureOf = (error: unknown): Problem =>
  error instanceof GatewayFailure ? { code: error.code, message: error.message } : { code: "NETWORK" };
