-- The plan the compose was started with (the ComposePlan JSON that compose-planned
-- carried), the outcome compose-built reported, and why the status is what it is.
alter table compose add column plan text;
alter table compose add column outcome text;
alter table compose add column status_reason text;
-- The architectures whose image is awaited once compose-built is in, comma separated.
alter table compose add column awaited_images text;

-- productmd-style metadata files per compose: composeinfo.json, packages.json, images.json.
create table compose_metadata (
    compose_id text        not null references compose (compose_id),
    file_name  text        not null,
    content    text        not null,
    updated_at timestamptz not null default now(),
    primary key (compose_id, file_name)
);

-- What the publisher reported per architecture: committed (with the image) or failed.
create table compose_image (
    compose_id      text        not null references compose (compose_id),
    architecture    text        not null,
    state           text        not null,
    ostree_ref      text        not null,
    commit_checksum text,
    image_reference text,
    manifest_digest text,
    layer_count     integer,
    bytes_pushed    bigint,
    stage           text,
    reason          text,
    event           text        not null, -- the event's payload, for images.json
    recorded_at     timestamptz not null default now(),
    primary key (compose_id, architecture)
);
