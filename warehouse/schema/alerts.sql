-- Alerts layer: the audit log of every notification attempt and the items already told.
-- Lives in warehouse.duckdb (not in Dagster state) so in-process runs, the CLI and the
-- daemon all see what was sent before. Bodies are stored as sent: already masked.
create schema if not exists alerts;

-- One row per (digest, target) delivery: what, to whom, when, how it went.
create table if not exists alerts.sent_alerts (
    alert_id       varchar primary key,   -- uuid4
    run_id         varchar,               -- Dagster run that composed it (null from the CLI)
    audience       varchar not null,      -- coordinator | data_team
    township_code  varchar,               -- null for the data team
    recipient      varchar not null,      -- coordinator or team name from coordinators.yaml
    target_kind    varchar not null,      -- email | wecom | dingtalk | webhook
    target         varchar not null,      -- apprise URL with secrets hidden
    title          varchar not null,
    body           varchar not null,      -- the masked text as sent
    attachments    varchar,               -- file names, "; "-separated
    item_count     integer not null,
    counts_json    varchar,               -- {"quality_issues": findings, "quality_rows": n, ...}
    digest_hash    varchar not null,      -- sha256 of the township and its item keys
    status         varchar not null,      -- sent | failed
    attempts       integer not null,
    error          varchar,               -- last error (masked), null when sent
    created_at     timestamp not null,
    finished_at    timestamp
);

-- Items (an issue, a missing sheet, an overdue petition, a petitioner) already delivered
-- to a township: the next digest lists only items not in here.
create table if not exists alerts.alerted_items (
    township_code  varchar not null,
    item_key       varchar not null,      -- e.g. finding:<file_id>:<rule>:<field>:<value>
                                          -- (one per finding; logs written before
                                          -- issue 12 hold issue:<file_id>:<sheet>:<row>:
                                          -- <rule>:<field>, one per cell, still honoured)
    kind           varchar not null,      -- quality_issue | file_rejected | missing_sheet | deadline | petitioner
    digest_hash    varchar not null,
    alerted_at     timestamp not null,
    as_of          date,                  -- the run's reference date: a later run with an
                                          -- earlier as_of is a backfill and tells no one
    primary key (township_code, item_key)
);
