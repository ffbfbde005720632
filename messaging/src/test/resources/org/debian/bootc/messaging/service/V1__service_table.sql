create table service_table (id integer); insert into service_table values (1);
