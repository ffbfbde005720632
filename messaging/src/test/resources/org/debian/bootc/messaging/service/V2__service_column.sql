alter table service_table add column name text;
