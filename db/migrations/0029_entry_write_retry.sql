-- Custom migration: a keyed earn claims its Idempotency-Key, writes its entry and stores its answer
-- in one statement (lib/ledger/core.ts). When the key is claimed but the card row changed since it
-- was read, the statement calls this to fail whole, so no key is left claimed without its entry.
-- SQLSTATE KC409 tells the app "retry": nothing was written.
CREATE OR REPLACE FUNCTION keepcard_write_retry(reason text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'KC409', MESSAGE = reason;
END
$$;
