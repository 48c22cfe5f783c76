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


class TopicResult(Table, tablename="topic_result"):
    """Written once when an attempt finishes: what the dashboard reads, so it never scans answers."""

    attempt = ForeignKey(Attempt, on_delete=OnDelete.cascade, index=True)
    topic_id = Varchar(length=32, index=True)
    level = Varchar(length=16)
    points = Real()
    possible = Integer()


ALL = (StaffUser, Attempt, Answer, TopicResult)
