-- The scheduler's state: Koji's hub tables, in debusine's words. Task status
-- (where it is) is kept apart from its result (how it ended); a retry is a new
-- attempt row that supersedes the previous one, never an update that forgets it.

-- One row per compose the scheduler has heard of. A compose is known from its first
-- package-build-queued or from compose-planned, whichever comes first; the plan and
-- the expected task ids arrive with compose-planned.
create table compose (
    compose_id     text        primary key,
    plan           text,            -- the ComposePlan as JSON; null until compose-planned
    expected_tasks text[],          -- every task id of the compose; null until compose-planned
    planned_at     timestamptz,
    cancelled_at   timestamptz,
    cancelled_by   text,
    cancel_reason  text,
    outcome        text check (outcome in ('complete', 'incomplete', 'doomed')),
    built_at       timestamptz,     -- when compose-built was written
    created_at     timestamptz not null default now()
);

create table task (
    task_id           text        primary key,
    compose_id        text        not null references compose,
    source            text        not null,
    version           text        not null,
    architecture      text        not null,
    suite             text        not null,
    archive           text,
    in_release_sha256 text,
    build_type        text        not null,
    build_profile     text,
    source_package    text        not null, -- the SourcePackage as JSON, handed on at dispatch
    content_key       text        not null,
    status            text        not null check (status in ('pending', 'blocked', 'running', 'completed', 'aborted')),
    result            text check (result in ('success', 'failure', 'error', 'skipped')),
    reason            text,
    current_attempt   integer     not null default 0, -- 0: never dispatched
    not_before        timestamptz,                    -- backoff: not dispatched before this
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    completed_at      timestamptz,
    -- the natural key: one build of a source on an architecture per compose
    unique (compose_id, source, architecture),
    check ((status = 'completed') = (result is not null))
);
create index task_compose on task (compose_id);
-- the open tasks of a compose, counted after every terminal transition to see whether it is done
create index task_open on task (compose_id) where status in ('pending', 'blocked', 'running');
create index task_pending on task (architecture, not_before) where status = 'pending';
create index task_content_key on task (content_key);

-- Edges of the build order. waits_for may name a task not yet received.
create table task_dep (
    task_id   text not null references task,
    waits_for text not null,
    primary key (task_id, waits_for)
);
create index task_dep_waits_for on task_dep (waits_for);

create table attempt (
    task_id          text        not null references task,
    attempt          integer     not null check (attempt >= 1),
    supersedes       integer,              -- the attempt this one replaced
    executor_id      text,                 -- the lease holder, once an executor has spoken
    lease_expires_at timestamptz,
    dispatched_at    timestamptz,          -- null for an attempt satisfied by reuse
    buildroot_id     text,
    result           text check (result in ('success', 'failure', 'error')),
    log_location     text,
    log_tail         text,
    duration_ms      bigint,
    applied          boolean     not null default false, -- its result decided the task
    ended_at         timestamptz,
    end_reason       text,                 -- superseded, cancelled, reused, or how it ended
    reused_task_id   text,                 -- reuse: the attempt whose artifacts were taken
    reused_attempt   integer,
    created_at       timestamptz not null default now(),
    primary key (task_id, attempt)
);
create index attempt_lease on attempt (lease_expires_at) where ended_at is null and dispatched_at is not null;

create table buildroot (
    buildroot_id text        primary key,
    task_id      text        not null,
    attempt      integer     not null,
    executor_id  text        not null,
    architecture text        not null,
    base_key     text        not null,
    installed    text        not null, -- JSON array of {name, version, architecture}
    created_at   timestamptz not null default now(),
    foreign key (task_id, attempt) references attempt
);

create table artifact (
    task_id  text    not null,
    attempt  integer not null,
    sha256   text    not null,
    category text    not null,
    name     text    not null,
    size     bigint  not null,
    location text    not null,
    primary key (task_id, attempt, name),
    foreign key (task_id, attempt) references attempt
);
create index artifact_sha256 on artifact (sha256);

-- Executors by their last heartbeat: an architecture is served while one of them
-- heartbeated within the configured window.
create table executor (
    executor_id   text        primary key,
    architectures text[]      not null,
    slots         integer     not null,
    running       text[]      not null,
    last_seen     timestamptz not null
);

-- The outbox and inbox tables are the messaging kit's (messaging/, MessagingSchema).
