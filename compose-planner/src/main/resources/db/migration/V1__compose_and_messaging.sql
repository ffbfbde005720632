-- The outbox and inbox tables are the messaging kit's (messaging/, MessagingSchema), in
-- their own schema history.

-- productmd respins count up per (name, version, day, type).
create table compose_respin (
    name         text    not null,
    version      text    not null,
    compose_date date    not null,
    compose_type text    not null,
    last_respin  integer not null,
    primary key (name, version, compose_date, compose_type)
);

create table compose (
    compose_id   text        primary key,
    request_id   text        not null unique,
    name         text        not null,
    version      text        not null,
    compose_type text        not null,
    compose_date date        not null,
    respin       integer     not null,
    status       text        not null,
    manifest     jsonb       not null,
    requested_by text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
