"""Throttling of password (and second-factor) guesses, reserved atomically before anything is verified.

Each attempt first takes a place in its buckets with an atomic increment (counters.py), so sixty wrong passwords
sent at once get five checked, not as many as happen to read the count before any failure is written. The
schedule is `gate_seconds` in domain/staff.py.

Buckets (OWASP "Slow down online guessing attacks with device cookies"): a person who has logged in on this phone
before holds a signed device cookie and counts in a bucket of that device alone, so an attacker hammering the
account or the address from elsewhere cannot lock them out. Clients without one count per account and, loosely
(many phones share a carrier's address), per address."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from ..domain.staff import FORGET_AFTER_SECONDS, FREE_ATTEMPTS, gate_seconds
from .counters import Counters

ADDRESS_FREE_ATTEMPTS = 30


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    free: int = FREE_ATTEMPTS
    shared: bool = False  # an address's bucket: someone else's success does not reset it


class Throttle:
    def __init__(self, counters: Counters, secret: str) -> None:
        self.counters = counters
        self.secret = secret.encode()

    # -- device cookies

    def device_token(self, username: str) -> str:
        nonce = secrets.token_urlsafe(12)
        return f"{nonce}.{self._sign(username, nonce)}"

    def device_nonce(self, token: str | None, username: str) -> str | None:
        """The device's id when `token` is a device cookie this app gave at a login as `username`."""
        if not token or "." not in token or len(token) > 100:
            return None
        nonce, signature = token.split(".", 1)
        return nonce if hmac.compare_digest(signature, self._sign(username, nonce)) else None

    def _sign(self, username: str, nonce: str) -> str:
        return hmac.new(self.secret, f"{username}|{nonce}".encode(), hashlib.sha256).hexdigest()[:32]

    # -- buckets

    @staticmethod
    def login(username: str, address: str, device: str | None) -> list[Bucket]:
        if device:
            return [Bucket(f"device:{device}")]
        # The address first: when it refuses, the account's bucket is not touched.
        return [Bucket(f"address:{address}", ADDRESS_FREE_ATTEMPTS, shared=True), Bucket(f"account:{username}")]

    @staticmethod
    def password_check(user_id: int) -> list[Bucket]:
        """The current password asked again by a logged-in user (changing it)."""
        return [Bucket(f"password-check:{user_id}")]

    @staticmethod
    def second_factor(user_id: int) -> list[Bucket]:
        return [Bucket(f"second-factor:{user_id}")]

    # -- attempts

    async def reserve(self, buckets: list[Bucket]) -> int:
        """Counts one attempt in every bucket; 0 when it may go ahead, else the seconds to wait (and then it is
        not counted anywhere)."""
        taken: list[Bucket] = []
        for bucket in buckets:
            wait = await self._take(bucket)
            if wait:
                for earlier in taken:
                    await self.counters.add(self._count(earlier), FORGET_AFTER_SECONDS, -1)
                return wait
            taken.append(bucket)
        return 0

    async def succeeded(self, buckets: list[Bucket]) -> None:
        """The person proved who they are: their own buckets start again; in a shared one only failures count, so
        their attempt is taken back out."""
        for bucket in buckets:
            if bucket.shared:
                await self.counters.add(self._count(bucket), FORGET_AFTER_SECONDS, -1)
            else:
                await self.counters.clear(self._count(bucket))
                await self.counters.clear(self._gate(bucket))

    async def _take(self, bucket: Bucket) -> int:
        count, gate = self._count(bucket), self._gate(bucket)
        attempt = await self.counters.add(count, FORGET_AFTER_SECONDS)
        if attempt < bucket.free:
            return 0
        shut_for = gate_seconds(attempt, bucket.free)
        if attempt == bucket.free:  # the last free attempt shuts the gate behind it
            await self.counters.add(gate, shut_for)
            return 0
        # Once the gate has expired, the first to arrive recreates it (the increment returns 1), passes, and shuts
        # it for longer; everyone else is refused until it expires again.
        if await self.counters.add(gate, shut_for) == 1:
            return 0
        await self.counters.add(count, FORGET_AFTER_SECONDS, -1)
        return await self.counters.seconds_left(gate)

    @staticmethod
    def _count(bucket: Bucket) -> str:
        return f"guesses:{bucket.name}"

    @staticmethod
    def _gate(bucket: Bucket) -> str:
        return f"gate:{bucket.name}"
