"""Tables. Nothing here identifies a person: no name, phone, e-mail, IP address or device fingerprint.
An attempt is reached through `public_id`, a random token held in the person's HttpOnly cookie."""

from piccolo.columns import Boolean, ForeignKey, Integer, Real, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class StaffUser(Table, tablename="staff_user"):
    """Staff accounts (admins, officials, team members). Citizens have no account."""

    username = Varchar(length=40, unique=True, index=True)
    password_hash = Varchar(length=200)
    role = Varchar(length=16)
    area = Varchar(length=16, null=True, default=None)  # commune code; None: the whole province
    must_change_password = Boolean(default=True)
    disabled = Boolean(default=False)
    session_version = Integer(default=1)
    created_at = Timestamptz()


class Attempt(Table, tablename="attempt"):
    public_id = Varchar(length=64, unique=True, index=True)  # random 256-bit token, never shown in a URL
    result_code = Varchar(length=8, unique=True, index=True)  # read aloud, typed later to compare progress
    consent_version = Varchar(length=16)
    age_band = Varchar(length=8)
    commune = Varchar(length=16, null=True, default=None)
    scope = Varchar(length=32)  # "full" or a topic id
    question_ids = Text()  # the drawn questions in order, comma-separated
    previous = ForeignKey("self", null=True, default=None, on_delete=OnDelete.set_null)
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None, index=True)
    mode = Varchar(length=8, default="self")  # "self" or "guided"
    guided_by = ForeignKey(StaffUser, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    guide_area = Varchar(length=16, null=True, default=None)  # the guiding team's commune


class Answer(Table, tablename="answer"):
    """One answer per question per attempt: a unique index on (attempt, question_id) makes a repeated post a
    no-op (see the migration)."""

    attempt = ForeignKey(Attempt, on_delete=OnDelete.cascade, index=True)
    question_id = Varchar(length=64)
    choice = Varchar(length=64)  # chosen option ids, sorted, comma-separated
    points = Real()
    answered_at = Timestamptz()
    # The client's idempotency key: a replayed submission (offline queue, double tap) is stored once.
    submission_id = Varchar(length=64, null=True, default=None)  # unique index: migration m0007


class TopicResult(Table, tablename="topic_result"):
    """Written once when an attempt finishes: what the dashboard reads, so it never scans answers."""

    attempt = ForeignKey(Attempt, on_delete=OnDelete.cascade, index=True)
    topic_id = Varchar(length=32, index=True)
    level = Varchar(length=16)
    points = Real()
    possible = Integer()


class AboutAnswer(Table, tablename="about_answer"):
    """Optional "about you" answers at the end of a quiz (has a smartphone, ...), for the province's targets."""

    attempt = ForeignKey(Attempt, on_delete=OnDelete.cascade, index=True)
    question = Varchar(length=32)
    answer = Varchar(length=8)  # "yes" or "no"; no row when the person skipped it


# Rollups, kept current in the transaction that finishes (or deletes) an attempt, so the dashboard reads a few
# thousand rows per query and never scans attempts or answers. `month` is the Vietnam-time month, "2026-11";
# `commune` is "" when the person gave none (counted in the province only).


class MonthAttempts(Table, tablename="month_attempts"):
    month = Varchar(length=7)
    commune = Varchar(length=16)
    age_band = Varchar(length=8)
    mode = Varchar(length=8)
    n = Integer(default=0)


class MonthLevels(Table, tablename="month_levels"):
    month = Varchar(length=7)
    commune = Varchar(length=16)
    age_band = Varchar(length=8)
    mode = Varchar(length=8)
    topic_id = Varchar(length=32)
    level = Varchar(length=16)
    n = Integer(default=0)


class MonthAbout(Table, tablename="month_about"):
    month = Varchar(length=7)
    commune = Varchar(length=16)
    age_band = Varchar(length=8)
    mode = Varchar(length=8)
    question = Varchar(length=32)
    answer = Varchar(length=8)
    n = Integer(default=0)


class ItemStats(Table, tablename="item_stats"):
    """Per question and age band: sums from which share right and point-biserial discrimination follow."""

    question_id = Varchar(length=64)
    age_band = Varchar(length=8)
    n = Integer(default=0)
    n_right = Integer(default=0)
    sum_score = Real(default=0.0)  # the attempt's share of points in the question's topic
    sum_score_sq = Real(default=0.0)
    sum_score_right = Real(default=0.0)


class ApiToken(Table, tablename="api_token"):
    """Read-only API tokens for officials' own tools; only a hash is kept."""

    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    label = Varchar(length=60)
    created_at = Timestamptz()
    revoked = Boolean(default=False)


ALL = (
    StaffUser,
    Attempt,
    Answer,
    TopicResult,
    AboutAnswer,
    MonthAttempts,
    MonthLevels,
    MonthAbout,
    ItemStats,
    ApiToken,
)
