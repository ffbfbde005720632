-- a service's first migration before the kit owned the outbox and inbox (the planner's V1 as it was)
create table service_table (id integer);
insert into service_table values (1);
create table processed_event (
    consumer        text        not null,
    event_id        text        not null,
    topic           text        not null,
    kafka_partition integer     not null,
    kafka_offset    bigint      not null,
    processed_at    timestamptz not null default now(),
    primary key (consumer, event_id)
);
create table outbox (
    seq          bigserial   primary key,
    event_id     text        not null unique,
    topic        text        not null,
    msg_key      text        not null,
    headers      text        not null,
    payload      text        not null,
    created_at   timestamptz not null default now(),
    published_at timestamptz
);
create index outbox_unpublished on outbox (seq) where published_at is null;
