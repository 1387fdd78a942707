-- One-off, as Aurora's master user, after the stack is created (docs/RELEASE.md, "Database
-- logins"). The passwords are the ones Secrets Manager generated: the runbook passes them as the
-- session variables @app_password and @migrate_password, never on a command line.
-- conduit_app: data only. conduit_migrate: Flyway's DDL (and its history table's DML).
-- The hosted multi-user rotation later adds conduit_app_clone / conduit_migrate_clone with the
-- same grants (it copies them with SHOW GRANTS) and alternates between the two.
SET @sql = CONCAT("CREATE USER IF NOT EXISTS 'conduit_app'@'%' IDENTIFIED BY '", @app_password, "' REQUIRE SSL");
PREPARE s FROM @sql; EXECUTE s; DEALLOCATE PREPARE s;
SET @sql = CONCAT("CREATE USER IF NOT EXISTS 'conduit_migrate'@'%' IDENTIFIED BY '", @migrate_password, "' REQUIRE SSL");
PREPARE s FROM @sql; EXECUTE s; DEALLOCATE PREPARE s;
GRANT SELECT, INSERT, UPDATE, DELETE ON conduit.* TO 'conduit_app'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, LOCK TABLES
  ON conduit.* TO 'conduit_migrate'@'%';
