-- Logon users are read in bulk (hunting) at most every logonUsersEveryHours; in between only new devices are asked.
alter table connector_checkpoint add column logon_users_at timestamptz;

-- When this source last read the device's logon users: per-device reads go to the devices never read, then to the
-- ones read longest ago.
alter table asset_source add column logon_users_at timestamptz;
