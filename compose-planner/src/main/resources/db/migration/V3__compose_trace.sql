-- The W3C traceparent the compose's trace started from (the request's, or a new one
-- when the request carried none): every event about the compose carries its trace id.
-- Null for composes started before tracing; their events go out without one.
alter table compose add column traceparent text;
