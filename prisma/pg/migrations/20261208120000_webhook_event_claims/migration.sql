-- A webhook event counts as taken in only once its processing finished (doneAt). Until then it is a
-- claim that a redelivery may take over after the lease. The rows already here are events whose
-- processing did not fail (a failed one is deleted) and used phone-contact proofs: all of them are done.
ALTER TABLE "WebhookEvent" ADD COLUMN "doneAt" TIMESTAMP(3);
UPDATE "WebhookEvent" SET "doneAt" = "receivedAt";
