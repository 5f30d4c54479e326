-- 001_schema.sql - the records of Testcentrum.
--
-- Rules (docs/data.md): every table but the tenant registry and the test
-- catalogue has tenant_id as the first column of its primary key, and every
-- foreign key includes tenant_id, so a row can never point into another
-- school.  InnoDB, utf8mb4, accent- and case-insensitive collation.
-- School years are stored by their first calendar year: 2026 is 2026-2027.

CREATE TABLE tenants (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug            VARCHAR(40)  NOT NULL,
  name            VARCHAR(200) NOT NULL,
  host            VARCHAR(253) NOT NULL,
  status          ENUM('active','disabled') NOT NULL DEFAULT 'active',
  brin            CHAR(4)      NULL,
  dependancecode  CHAR(2)      NULL,
  las_url         VARCHAR(1000) NULL,
  las_klantcode   VARCHAR(256) NULL,
  las_klantnaam   VARCHAR(256) NULL,
  las_key_enc     VARBINARY(2048) NULL COMMENT 'nonce || secretbox(key)',
  las_xsd         VARCHAR(8)   NOT NULL DEFAULT '2.3',
  las_gegevenssetid VARCHAR(64) NULL,
  las_soapaction_quoted TINYINT(1) NOT NULL DEFAULT 0,
  las_client_cert VARCHAR(512) NULL,
  las_client_key  VARCHAR(512) NULL,
  las_ca_file     VARCHAR(512) NULL,
  sync_enabled    TINYINT(1)   NOT NULL DEFAULT 1,
  created_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY tenants_slug (slug),
  UNIQUE KEY tenants_host (host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE users (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email           VARCHAR(254) NOT NULL,
  name            VARCHAR(200) NOT NULL,
  role            ENUM('admin','teacher') NOT NULL,
  password_hash   VARCHAR(255) NULL COMMENT 'Argon2id (libsodium crypto_pwhash_str)',
  status          ENUM('active','disabled') NOT NULL DEFAULT 'active',
  las_key         VARCHAR(256) NULL,
  eckid           VARCHAR(256) NULL,
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (tenant_id, id),
  KEY users_id (id),
  UNIQUE KEY users_email (tenant_id, email),
  UNIQUE KEY users_las_key (tenant_id, las_key),
  UNIQUE KEY users_eckid (tenant_id, eckid),
  CONSTRAINT users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE school_years (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  year_start      SMALLINT UNSIGNED NOT NULL,
  active          TINYINT(1) NULL COMMENT '1 for the one active year, NULL otherwise',
  activated_at    DATETIME NULL,
  activated_by    ENUM('user','auto','operator') NULL,
  PRIMARY KEY (tenant_id, year_start),
  UNIQUE KEY school_years_active (tenant_id, active),
  CONSTRAINT school_years_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE school_groups (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  year_start      SMALLINT UNSIGNED NOT NULL,
  kind            ENUM('stamgroep','samengesteld') NOT NULL DEFAULT 'stamgroep',
  name            VARCHAR(200) NOT NULL,
  jaargroep       VARCHAR(2) NULL,
  las_key         VARCHAR(256) NULL,
  status          ENUM('active','deactivated') NOT NULL DEFAULT 'active',
  deactivated_at  DATETIME NULL,
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (tenant_id, id),
  KEY school_groups_id (id),
  UNIQUE KEY school_groups_las_key (tenant_id, year_start, las_key),
  KEY school_groups_year (tenant_id, year_start, status),
  CONSTRAINT school_groups_year FOREIGN KEY (tenant_id, year_start)
    REFERENCES school_years (tenant_id, year_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE students (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  las_key         VARCHAR(256) NULL,
  eckid           VARCHAR(256) NULL,
  achternaam      VARCHAR(200) NOT NULL DEFAULT '',
  voorvoegsel     VARCHAR(20)  NULL,
  roepnaam        VARCHAR(100) NULL,
  geboortedatum   DATE NULL,
  jaargroep       VARCHAR(2) NULL,
  status          ENUM('active','deactivated') NOT NULL DEFAULT 'active',
  deactivated_at  DATETIME NULL,
  source          ENUM('manual','las') NOT NULL DEFAULT 'manual',
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (tenant_id, id),
  KEY students_id (id),
  UNIQUE KEY students_las_key (tenant_id, las_key),
  UNIQUE KEY students_eckid (tenant_id, eckid),
  KEY students_list (tenant_id, status, achternaam),
  CONSTRAINT students_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE group_members (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  group_id        BIGINT UNSIGNED NOT NULL,
  student_id      BIGINT UNSIGNED NOT NULL,
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (tenant_id, group_id, student_id),
  KEY group_members_student (tenant_id, student_id),
  CONSTRAINT group_members_group FOREIGN KEY (tenant_id, group_id)
    REFERENCES school_groups (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT group_members_student FOREIGN KEY (tenant_id, student_id)
    REFERENCES students (tenant_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE teacher_groups (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,
  group_id        BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, user_id, group_id),
  KEY teacher_groups_group (tenant_id, group_id),
  CONSTRAINT teacher_groups_user FOREIGN KEY (tenant_id, user_id)
    REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT teacher_groups_group FOREIGN KEY (tenant_id, group_id)
    REFERENCES school_groups (tenant_id, id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- The test catalogue is the deployment's, not a school's.
CREATE TABLE tests (
  id              INT UNSIGNED NOT NULL AUTO_INCREMENT,
  code            VARCHAR(32)  NOT NULL,
  name            VARCHAR(200) NOT NULL,
  subject         VARCHAR(100) NOT NULL,
  max_score       INT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY tests_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE test_administrations (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  student_id      BIGINT UNSIGNED NOT NULL,
  test_id         INT UNSIGNED NOT NULL,
  taken_on        DATE NOT NULL,
  score           INT NOT NULL,
  level           VARCHAR(8) NULL,
  created_by      BIGINT UNSIGNED NULL,
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (tenant_id, id),
  KEY test_administrations_id (id),
  KEY test_administrations_student (tenant_id, student_id, taken_on),
  CONSTRAINT test_administrations_student FOREIGN KEY (tenant_id, student_id)
    REFERENCES students (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT test_administrations_test FOREIGN KEY (test_id) REFERENCES tests (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE import_runs (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              CHAR(32) NOT NULL COMMENT 'the import id: a second apply finds it',
  year_start      SMALLINT UNSIGNED NOT NULL,
  kind            ENUM('transition','resync','file','sync') NOT NULL,
  started_by      ENUM('user','auto','operator','sync') NOT NULL,
  applied_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  applied_by      BIGINT UNSIGNED NULL,
  result          TEXT NOT NULL COMMENT 'JSON counts of what was applied',
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT import_runs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Audit entries hold ids and counts, never names: they outlive the pupils.
CREATE TABLE audit_log (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  actor_kind      ENUM('user','system','operator') NOT NULL,
  actor_id        BIGINT UNSIGNED NULL,
  action          VARCHAR(64) NOT NULL,
  object_kind     VARCHAR(32) NOT NULL,
  object_ids      TEXT NULL,
  count           INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  KEY audit_log_id (id),
  KEY audit_log_time (tenant_id, at),
  CONSTRAINT audit_log_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- E-mails sent: a recipient hash, never the address.
CREATE TABLE email_log (
  tenant_id       BIGINT UNSIGNED NOT NULL,
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at              DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  kind            VARCHAR(32) NOT NULL,
  dedup_key       VARCHAR(128) NOT NULL COMMENT 'kind:day:user, sent at most once',
  recipient_hash  CHAR(64) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  KEY email_log_id (id),
  UNIQUE KEY email_log_dedup (tenant_id, dedup_key),
  CONSTRAINT email_log_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
