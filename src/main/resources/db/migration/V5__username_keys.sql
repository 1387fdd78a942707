-- Usernames are unique by their look-alike key as well as byte for byte: the SHA-256 of the UTS #39
-- confusable skeleton of the case-folded NFKC form (conduit.common.Identifiers.usernameKey), so
-- "Alice", "аlice" (Cyrillic а) and full-width "ａｌｉｃｅ" cannot sit beside "alice".
-- Expand only: a nullable column the previous release ignores (NULLs never clash in a unique
-- index). The app writes it for every new or renamed account and fills older rows in the
-- background (conduit.user.IdentifierBackfill, also `java -jar conduit.jar backfill`).
-- Contract, in a later release once no instance of this one's predecessor runs and the backfill
-- reports no row left: resolve any look-alike pairs it logged, then
--   ALTER TABLE users MODIFY username_key CHAR(64) NOT NULL;
-- and drop the legacy email-index look-up (after `java -jar conduit.jar reencrypt` has rewritten
-- every email_lookup under the current normalisation).
ALTER TABLE users ADD COLUMN username_key CHAR(64) NULL;
CREATE UNIQUE INDEX uq_users_username_key ON users (username_key);
