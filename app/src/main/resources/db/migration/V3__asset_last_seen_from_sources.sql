-- An asset's last seen is the latest of its sources' (asset_source.last_seen). Keeping a copy on the asset row made
-- every run rewrite every asset whose device had merely reported again.
alter table asset drop column last_seen;
