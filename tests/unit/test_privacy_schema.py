"""Nothing that identifies a citizen is stored: the columns of the citizen tables are an allow-list, so adding a
column is a conscious choice that must pass this test and its review."""

from __future__ import annotations

from server.db import tables

ALLOWED = {
    "staff_user": {
        "id",
        "username",
        "password_hash",
        "role",
        "area",
        "must_change_password",
        "disabled",
        "session_version",
        "created_at",
        "password_expires_at",
        "totp_secret",
        "totp_last_step",
    },
    "recovery_code": {"id", "user", "code_hash", "used"},
    "attempt": {
        "id",
        "public_id",
        "result_code",
        "consent_version",
        "age_band",
        "commune",
        "scope",
        "question_ids",
        "previous",
        "started_at",
        "finished_at",
        "mode",
        "guided_by",  # the staff member who guided, for their own counts; never the person
        "guide_area",
        "burst",  # a flag admins may exclude from the next release; never the client's address
        "month",  # the month it started in: the partition key on PostgreSQL
    },
    "answer": {"id", "attempt", "question_id", "choice", "points", "answered_at", "submission_id", "month"},
    "topic_result": {"id", "attempt", "topic_id", "level", "points", "possible", "month"},
    "about_answer": {"id", "attempt", "question", "answer", "month"},
    "burst_flag": {"id", "kind", "commune", "day", "attempts", "excluded", "created_at"},
    "release": {"id", "period", "computed_at", "mechanism", "epsilon", "library", "parameters", "tables"},
    "release_claim": {"id", "period", "claimed_at"},
    "api_token": {"id", "user", "token_hash", "label", "created_at", "revoked"},
}
IDENTIFYING = ("name", "phone", "email", "mail", "ip", "address", "birth", "device", "agent", "fingerprint")


def test_citizen_tables_hold_only_the_allowed_columns():
    for table in tables.ALL:
        columns = {c._meta.db_column_name for c in table._meta.columns}
        assert columns == ALLOWED[table._meta.tablename], table._meta.tablename


def test_no_citizen_column_name_suggests_personal_data():
    for table in (t for t in tables.ALL if t not in (tables.StaffUser, tables.ApiToken)):
        for column in table._meta.columns:
            name = column._meta.db_column_name
            assert not any(word == part for word in IDENTIFYING for part in name.split("_")), name
