-- Replica lag measurement that works on Aurora and MariaDB alike: each app instance writes its
-- own row on the writer and reads it back from the reader (see conduit.db.ReplicaMonitor).
CREATE TABLE replica_heartbeat (
    instance_id VARCHAR(64) NOT NULL PRIMARY KEY,
    beat_at     BIGINT      NOT NULL
) ${table_options};
