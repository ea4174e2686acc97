/** The shop's own operations (orders:manage), which are not part of the Mini App's documents. */
export const COMPLETE_ORDER = `mutation Complete($orderId: ID!, $key: String!) {
  completeOrder(orderId: $orderId, idempotencyKey: $key) {
    __typename
    ... on MutationCompleteOrderSuccess { data { id status pointsRedeemed pointsEarned providerRefs { loyaltyReference } } }
    ... on Error { code message }
  }
}`;

export const REFUND = `mutation Refund($orderId: ID!, $lines: [RefundLineInput!], $key: String!) {
  refund(orderId: $orderId, lines: $lines, idempotencyKey: $key) {
    __typename
    ... on MutationRefundSuccess { data { id status refunded { amount } refundShortfallPoints } }
    ... on RefundShortfallError { pointsToRevoke balance shortfallPoints }
    ... on Error { code message }
  }
}`;
