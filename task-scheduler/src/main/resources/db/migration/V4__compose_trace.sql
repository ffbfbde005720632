-- The W3C traceparent of the compose's trace, taken from the first compose-planned or
-- package-build-queued record that carried one: every event the scheduler writes about
-- the compose (dispatches, cancellations, task status, compose-built) carries its trace id.
alter table compose add column traceparent text;
