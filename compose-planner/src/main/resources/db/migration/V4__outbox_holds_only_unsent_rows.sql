-- The messaging kit's one outbox relay deletes a row once the broker has acknowledged it,
-- as the scheduler's has since its V8 (docs/architecture.md, "Messaging kit"): the topic is
-- the record of what was sent. Rows already published go; rows not yet published stay and
-- are sent by the next relay pass.
delete from outbox where published_at is not null;
drop index outbox_unpublished;
alter table outbox drop column published_at;

-- The kit's inbox retention deletes processed_event rows past their age, as the
-- scheduler's V5 lets it do cheaply there.
create index processed_event_processed_at on processed_event (processed_at);
