-- Logon users are read in bulk (hunting) at most every logonUsersEveryHours; in between only new devices are asked.
alter table connector_checkpoint add column logon_users_at timestamptz;

-- When this source last read the device's logon users: per-device reads go to the devices never read, then to the
-- ones read longest ago.
alter table asset_source add column logon_users_at timestamptz;

-- Every run rewrites the assets' metadata (Defender moves lastSeen daily): a GIN index on it cost more in each run's
-- apply than it saves filters over a 100,000-device inventory, which scan it in a fraction of a second. Nothing reads
-- findings by (source, state) alone.
drop index asset_metadata;
drop index finding_source_state;

-- Runs update most asset, asset-source and finding rows in place (last seen, state): room in each page lets
-- PostgreSQL keep the new version on the same page without touching the indexes (HOT updates).
alter table asset set (fillfactor = 80);
alter table asset_source set (fillfactor = 80);
alter table finding set (fillfactor = 85);
