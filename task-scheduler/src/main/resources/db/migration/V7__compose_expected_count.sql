-- Every change to a compose's tasks locks and reads its compose row. Reading the plan and
-- the list of announced task ids with it (10,000 ids are about 600 KB, detoasted by
-- PostgreSQL and parsed by the driver) made each batch of a big compose pay for them; the
-- row now carries the count, and the list and the plan are read only where they are used
-- (the hand-off, and the plan once per compose).
alter table compose add column expected_count integer;

update compose set expected_count = cardinality(expected_tasks) where expected_tasks is not null;

alter table compose add constraint compose_expected_count_when_planned
    check ((expected_tasks is null) = (expected_count is null));
