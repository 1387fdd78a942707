-- Password reset and address verification (issue 20). Expand only: a column with a default the
-- previous release ignores, and a table it does not know.
--
-- users.email_verified: the address was proven by a link mailed to it. Set back to false when the
-- address changes. Informational: RealWorld has no such state, so nothing is refused for it.
ALTER TABLE users ADD COLUMN email_verified BOOLEAN DEFAULT FALSE NOT NULL;

-- One-time links. Only the SHA-256 of a token is stored (a 256-bit random token needs no slow
-- hash). purpose: reset (a new password), verify (the address whose blind index is email_key),
-- revert (undo an email change: payload is the previous address, sealed for its row, and
-- email_key its blind index).
CREATE TABLE account_tokens (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT        NOT NULL,
    purpose     VARCHAR(16)   NOT NULL,
    token_hash  CHAR(64)      NOT NULL,
    email_key   CHAR(64)      NULL,
    payload     ${long_text}  NULL,
    created_at  BIGINT        NOT NULL,
    expires_at  BIGINT        NOT NULL,
    used_at     BIGINT        NULL,
    CONSTRAINT uq_account_tokens_hash UNIQUE (token_hash),
    CONSTRAINT fk_account_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ${table_options};

CREATE INDEX ix_account_tokens_user ON account_tokens (user_id, purpose);
