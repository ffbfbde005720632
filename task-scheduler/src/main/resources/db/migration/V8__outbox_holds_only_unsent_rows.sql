-- The relay now deletes an outbox row once the broker has acknowledged it, instead of
-- stamping published_at and keeping it: the table had grown by every event ever sent
-- (four or five per task) and each stamp rewrote the row and its indexes. Rows already
-- published go; rows not yet published stay and are sent by the next relay pass.
delete from outbox where published_at is not null;
drop index outbox_unpublished;
alter table outbox drop column published_at;
