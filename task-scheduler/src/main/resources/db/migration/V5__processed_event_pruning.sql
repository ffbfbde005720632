-- processed_event rows are deleted once older than the configured retention
-- (InboxRetention); this index makes finding them cheap.
create index processed_event_processed_at on processed_event (processed_at);
