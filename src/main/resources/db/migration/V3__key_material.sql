-- Wrapped (KMS- or local-key-encrypted) key material the app needs at start-up, e.g. the key of
-- the email blind index. Base64 text, never a plaintext key.
-- From this version on, users.email holds envelope-encrypted text ("v1.<...>") and
-- users.email_lookup the blind index (HMAC-SHA256, hex). Rows written by earlier versions are
-- converted by "java -jar conduit.jar reencrypt", which the app tolerates while it runs.
CREATE TABLE key_material (
    name    VARCHAR(64)   NOT NULL PRIMARY KEY,
    wrapped VARCHAR(2048) NOT NULL
) ${table_options};
