-- 005_student_sorts.sql - an index for each order of the pupil list (issue 18).
--
-- Sorting by jaargroep, geboortedatum or deactivated_at sorted every pupil of
-- the school (about 5,000) for each page of 50.  With these indexes (InnoDB
-- appends the id) a page reads its rows in order and stops; the descending
-- orders are the exact reverse of the ascending ones and read the same index
-- backwards (core/roster/student.c).
ALTER TABLE students ADD KEY students_jaargroep (tenant_id, status, jaargroep, achternaam, roepnaam),
  ADD KEY students_geboortedatum (tenant_id, status, geboortedatum, achternaam),
  ADD KEY students_deactivated (tenant_id, status, deactivated_at, achternaam);
