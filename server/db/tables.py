"""Tables. Nothing here identifies a person: no name, phone, e-mail, IP address or device fingerprint.
An attempt is reached through `public_id`, a random token held in the person's HttpOnly cookie."""

from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Real, Text, Timestamptz, Varchar
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
    # An admin-set password works until this moment and only once (set to the login's time when it is used);
    # None for a password the person chose.
    password_expires_at = Timestamptz(null=True, default=None)
    totp_secret = Varchar(length=64, null=True, default=None)  # base32; None: no second factor enrolled
    totp_last_step = BigInt(null=True, default=None)  # the 30-second step of the last code accepted


class BurstFlag(Table, tablename="burst_flag"):
    """A suspicious burst of finished attempts (one client far above a person's pace, or a commune far above its
    usual rate), for admins to look at. Holds no IP address: the client is known only in memory, by a keyed hash."""

    kind = Varchar(length=16)  # "client" or "commune"
    commune = Varchar(length=16, null=True, default=None)
    day = Varchar(length=10)  # Vietnam-time day the burst began, "2026-12-01"
    attempts = Integer(default=0)
    excluded = Boolean(default=False)  # an admin took it out of the next release
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
    burst = ForeignKey(BurstFlag, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    # The month it started in (202612, Vietnam time), never changed: on PostgreSQL the attempt tables are partitioned
    # by it (db/partitions.py), and the rows of an attempt in the other tables carry the same value.
    month = Integer(default=0)


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
    month = Integer(default=0)  # the attempt's month: the partition key on PostgreSQL


class TopicResult(Table, tablename="topic_result"):
    """Written once when an attempt finishes: what the dashboard reads, so it never scans answers."""

    attempt = ForeignKey(Attempt, on_delete=OnDelete.cascade, index=True)
    topic_id = Varchar(length=32, index=True)
    level = Varchar(length=16)
    points = Real()
    possible = Integer()
    month = Integer(default=0)  # the attempt's month: the partition key on PostgreSQL


class AboutAnswer(Table, tablename="about_answer"):
    """Optional "about you" answers at the end of a quiz (has a smartphone, ...), for the province's targets."""

    attempt = ForeignKey(Attempt, on_delete=OnDelete.cascade, index=True)
    question = Varchar(length=32)
    answer = Varchar(length=8)  # "yes" or "no"; no row when the person skipped it
    month = Integer(default=0)  # the attempt's month: the partition key on PostgreSQL


class Release(Table, tablename="release"):
    """The published statistics of one closed calendar month (Vietnam time): computed once, never changed.
    Everything officials and team members see is read from here (docs/privacy.md)."""

    period = Varchar(length=7, unique=True, index=True)  # "2026-11"
    computed_at = Timestamptz()
    mechanism = Varchar(length=40)  # "discrete Laplace"
    epsilon = Real()  # the privacy loss of the whole release for one attempt, by basic composition
    library = Varchar(length=40)  # "opendp 0.16.0"
    parameters = Text()  # JSON: per table its grain, contribution bound, noise scale and epsilon; cut; threshold
    tables = Text()  # JSON: per table the released cells, [key..., n] with n > 0


class ReleaseClaim(Table, tablename="release_claim"):
    """A lease on computing one month's release, so that of several app processes exactly one computes it.
    A claim older than the lease (a process that died mid-way) may be taken over."""

    period = Varchar(length=7, unique=True)
    claimed_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """Read-only API tokens for officials' own tools; only a hash is kept."""

    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    label = Varchar(length=60)
    created_at = Timestamptz()
    revoked = Boolean(default=False)


class RecoveryCode(Table, tablename="recovery_code"):
    """One-time codes for a staff member who has lost the phone with their authenticator; only argon2 hashes."""

    user = ForeignKey(StaffUser, on_delete=OnDelete.cascade, index=True, null=False)
    code_hash = Varchar(length=200)
    used = Boolean(default=False)


ALL = (
    StaffUser,
    BurstFlag,
    Attempt,
    Answer,
    TopicResult,
    AboutAnswer,
    Release,
    ReleaseClaim,
    ApiToken,
    RecoveryCode,
)
