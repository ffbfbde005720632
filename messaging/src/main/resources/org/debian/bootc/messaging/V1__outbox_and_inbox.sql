-- The messaging kit's tables, the same in every service that uses the kit (planner, scheduler).
-- "if not exists": a database made before the kit owned these tables has them already (the
-- services' own migrations made them); the end of this file brings an older outbox to this shape.

-- Events this service has consumed, by CloudEvents id: a redelivered event is
-- recognised here and has no second effect (the insert shares the effect's transaction).
create table if not exists processed_event (
    consumer        text        not null,
    event_id        text        not null,
    topic           text        not null,
    kafka_partition integer     not null,
    kafka_offset    bigint      not null,
    processed_at    timestamptz not null default now(),
    primary key (consumer, event_id)
);
-- InboxRetention deletes rows past their age; this index makes finding them cheap.
create index if not exists processed_event_processed_at on processed_event (processed_at);

-- Events caused by a state change, written in the same transaction as the change and
-- relayed to Kafka afterwards; a crash between the two loses nothing. The relay deletes a
-- row once the broker has acknowledged it: the topic is the record of what was sent.
create table if not exists outbox (
    seq        bigserial   primary key,
    event_id   text        not null unique,
    topic      text        not null,
    msg_key    text        not null,
    headers    text        not null, -- a JSON object of header name to value
    payload    text        not null,
    created_at timestamptz not null default now()
);

-- An outbox made before the relay deleted what it sent (the planner before the kit, the
-- scheduler before its V8) still has published_at: the rows sent go, the rows not sent
-- yet stay and the next relay pass sends them.
do $$
begin
    if exists (select 1 from information_schema.columns
               where table_schema = current_schema() and table_name = 'outbox' and column_name = 'published_at') then
        delete from outbox where published_at is not null;
        drop index if exists outbox_unpublished;
        alter table outbox drop column published_at;
    end if;
end
$$;
