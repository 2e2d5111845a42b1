-- Revoked tokens (coord token revoke, TokenService.RevokeToken): refused by every host, which re-reads
-- this table every few seconds with the revoked sessions. A row is pruned once the token it names has
-- expired (expires_at is the latest the token could expire: the revocation time plus the longest
-- token lifetime of any key that verified then).
create table revoked_tokens (
    token_id   text primary key,
    principal  text not null default '',
    revoked_at timestamptz not null,
    expires_at timestamptz not null,
    reason     text not null default ''
);
create index revoked_tokens_expiry on revoked_tokens (expires_at);

-- Principals whose tokens issued before a time are refused (an agency's credentials revoked, a person
-- disabled): every token of the principal with iat before revoked_before.
create table revoked_principals (
    principal      text primary key,
    revoked_before timestamptz not null,
    reason         text not null default ''
);

-- Agency systems' client secrets (TokenService.CreateToken): SHA-256 of a 256-bit random secret, never
-- the secret itself. One secret per agency: rotating replaces it.
create table agency_clients (
    agency      text primary key,
    secret_hash bytea not null,
    created_at  timestamptz not null,
    rotated_at  timestamptz not null
);
