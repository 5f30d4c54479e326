-- 002_test_catalogue.sql - the deployment's small test catalogue.
INSERT INTO tests (code, name, subject, max_score) VALUES
  ('REK-M', 'Rekenen-Wiskunde midden', 'Rekenen', 120),
  ('REK-E', 'Rekenen-Wiskunde eind', 'Rekenen', 120),
  ('BL-M', 'Begrijpend lezen midden', 'Taal', 100),
  ('SP-M', 'Spelling midden', 'Taal', 100),
  ('DMT', 'Drie-Minuten-Toets', 'Technisch lezen', 150),
  ('DT', 'Doorstroomtoets', 'Algemeen', 240);
