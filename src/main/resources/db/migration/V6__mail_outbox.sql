-- Mail waiting to be sent. A row is written in the same transaction as the change that causes the
-- mail, and deleted once the mail is delivered; any instance may send it. The payload (recipient
-- and the template's values, which may hold a one-time link) is sealed with envelope encryption.
-- Expand only: a new table the previous release ignores.
CREATE TABLE mail_outbox (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    template        VARCHAR(64)   NOT NULL,
    payload         ${long_text}  NOT NULL,
    created_at      BIGINT        NOT NULL,
    next_attempt_at BIGINT        NOT NULL,
    attempts        INT           NOT NULL DEFAULT 0,
    claimed_until   BIGINT        NOT NULL DEFAULT 0,
    last_error      VARCHAR(255)  NULL
) ${table_options};

CREATE INDEX ix_mail_outbox_due ON mail_outbox (next_attempt_at);
