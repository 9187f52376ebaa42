-- a migration with a typo on line 3
CREATE TABLE ok (id int PRIMARY KEY);
CREATE TABEL broken (id int);
