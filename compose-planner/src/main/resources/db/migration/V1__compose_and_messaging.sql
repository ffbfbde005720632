-- Events this service has consumed, by CloudEvents id: a redelivered event is
-- recognised here and has no second effect (the insert shares the effect's transaction).
create table processed_event (
    consumer        text        not null,
    event_id        text        not null,
    topic           text        not null,
    kafka_partition integer     not null,
    kafka_offset    bigint      not null,
    processed_at    timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- Events caused by a state change, written in the same transaction as the change
-- and relayed to Kafka afterwards; a crash between the two loses nothing.
create table outbox (
    seq          bigserial   primary key,
    event_id     text        not null unique,
    topic        text        not null,
    msg_key      text        not null,
    headers      text        not null, -- a JSON object of header name to value
    payload      text        not null,
    created_at   timestamptz not null default now(),
    published_at timestamptz
);
create index outbox_unpublished on outbox (seq) where published_at is null;

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
