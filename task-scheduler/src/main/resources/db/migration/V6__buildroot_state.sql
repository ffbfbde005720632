-- A buildroot's lifecycle, as Koji's BR_STATES tell a user whether a buildroot is still
-- in use: 'building' while its attempt runs, 'expired' once the attempt has ended
-- (result applied or recorded late, superseded, cancelled). The scheduler expires it in
-- the same transaction as the attempt's end (docs/task-states.md, "Buildroots").
alter table buildroot
    add column state          text        not null default 'building' check (state in ('building', 'expired')),
    add column expired_at     timestamptz,
    add column expired_reason text;

-- Buildroots recorded before this migration: those whose attempt has ended are expired
-- then, with the attempt's own end reason; the others are still building.
update buildroot b
set state = 'expired', expired_at = a.ended_at,
    expired_reason = 'attempt ' || a.attempt || ' ended: ' || coalesce(a.end_reason, a.result, 'no reason recorded')
from attempt a
where a.task_id = b.task_id and a.attempt = b.attempt and a.ended_at is not null;

alter table buildroot add constraint buildroot_expired_when
    check ((state = 'expired') = (expired_at is not null and expired_reason is not null));

-- The buildroots of an attempt that ends are found by (task_id, attempt); only those still
-- building are ever looked up that way, so the index holds only them.
create index buildroot_building on buildroot (task_id, attempt) where state = 'building';
