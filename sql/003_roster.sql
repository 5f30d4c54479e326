-- 003_roster.sql - indexes and sizes for the roster (pupils, groups, audit).
--
-- The pupil list sorts by achternaam, roepnaam, id within (tenant, status):
-- this index gives that order without a filesort (InnoDB appends the id).
ALTER TABLE students ADD KEY students_name (tenant_id, status, achternaam, roepnaam);
ALTER TABLE students ADD KEY students_roepnaam (tenant_id, status, roepnaam, achternaam);
-- Group lists per school year, by name.
ALTER TABLE school_groups ADD KEY school_groups_name (tenant_id, year_start, name);
-- A bulk call may name 10,000 ids: TEXT (64 KiB) is too small for them.
-- compat: widening TEXT to MEDIUMTEXT; every statement of an older worker stays valid.
ALTER TABLE audit_log MODIFY object_ids MEDIUMTEXT NULL;
-- GET /api/audit?action=...
ALTER TABLE audit_log ADD KEY audit_log_action (tenant_id, action, at);
