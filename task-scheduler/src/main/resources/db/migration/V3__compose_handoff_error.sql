-- Why a compose whose tasks are all done could not be handed off (e.g. its
-- compose-built is over the event size limit); null when it was handed off or is not done.
alter table compose add column handoff_error text;
