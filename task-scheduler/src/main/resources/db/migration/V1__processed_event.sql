-- Events this service has consumed, by CloudEvents id: a redelivered event is
-- recognised here and has no second effect (the insert shares the effect's transaction).
-- Tasks, dependencies, buildroots and artifacts follow in V2 with the state machine.
create table processed_event (
    consumer        text        not null,
    event_id        text        not null,
    topic           text        not null,
    kafka_partition integer     not null,
    kafka_offset    bigint      not null,
    processed_at    timestamptz not null default now(),
    primary key (consumer, event_id)
);
