"""The key ring: what this installation has unlocked of its own secret keys, and where passphrases come from.

A passphrase provider is any callable `provider(purpose) -> str | None`: the GUI shows a dialog (from any thread
it likes: the provider is called in the worker that needs the key), the CLI prompts on its terminal, scripts set
STATION_APP_PASSPHRASE. Returning None means "no passphrase" (refused when the key needs one).

One KeyRing belongs to one opened installation (`Application` attaches it to its database; library callers get
one per database on first use). It remembers the passphrase that proved right and the age identities it
decrypted, until `lock()` (the GUI's lock button, an idle timeout) or `wipe()` (closing). Nothing lives in a
module-level cache for the life of the process.
"""

from __future__ import annotations

import getpass
import os
import sys
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from station_app.core.errors import StationError
from station_app.core.i18n import _

if TYPE_CHECKING:
    from station_app.store.stationdb import StationDB

ENV_PASSPHRASE = "STATION_APP_PASSPHRASE"

PassphraseProvider = Callable[[str], "str | None"]


class IdentityError(StationError):
    """A card, key file or rotation statement that cannot be used; nothing has been written."""


class PassphraseError(IdentityError):
    """No passphrase could be had, or it was wrong. Nothing was written."""


def from_environment(purpose: str) -> str | None:
    """STATION_APP_PASSPHRASE, or None."""
    return os.environ.get(ENV_PASSPHRASE) or None


def terminal_prompt(purpose: str) -> str | None:
    """STATION_APP_PASSPHRASE, else ask on the terminal; without a terminal say how to give it."""
    value = from_environment(purpose)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise PassphraseError(_("{purpose} needs the key passphrase: set {env_passphrase} or run it in a terminal to type it", purpose=purpose, env_passphrase=ENV_PASSPHRASE))
    return getpass.getpass(_("Key passphrase: ")) or None


def fixed(passphrase: str | None) -> PassphraseProvider:
    """A provider that always answers `passphrase` (tests, a GUI that asked once up front)."""
    return lambda purpose: passphrase


class KeyRing:
    def __init__(self, provider: PassphraseProvider | None = None):
        self.provider: PassphraseProvider = provider or terminal_prompt
        self._passphrase: str | None = None  # the one that proved right
        self._identities: dict[tuple[str, float], Any] = {}
        self._db: weakref.ref[StationDB] | None = None

    # -- binding ---------------------------------------------------------------------------------------------
    def attach(self, db: "StationDB") -> None:
        _RINGS[db] = self
        self._db = weakref.ref(db)

    # -- passphrases -----------------------------------------------------------------------------------------
    @property
    def unlocked(self) -> bool:
        return self._passphrase is not None or bool(self._identities)

    def try_passphrases(self, purpose: str, attempt: Callable[[str], Any], wrong: type[BaseException] | tuple) -> Any:
        """Run `attempt(passphrase)` with the remembered passphrase, else one from the provider; remember it when it
        works. A wrong passphrase raises PassphraseError."""
        if self._passphrase is not None:
            try:
                return attempt(self._passphrase)
            except wrong:
                self._passphrase = None  # the keys were re-protected meanwhile: ask again
        pw = self.provider(purpose)
        if not pw:
            raise PassphraseError(_("{purpose} needs the key passphrase", purpose=purpose))
        try:
            result = attempt(pw)
        except wrong:
            raise PassphraseError(_("wrong key passphrase")) from None
        self._passphrase = pw
        return result

    def passphrase_for_new_keys(self) -> str | None:
        """The protection new keys get at init: the provider's answer without prompting (init never hangs)."""
        return from_environment("") if self.provider is terminal_prompt else self.provider(
            _("passphrase for the new keys (may be empty)"))

    def remembered_passphrase(self) -> str | None:
        """The passphrase that unlocked the current keys (rotation protects the new keys with it)."""
        return self._passphrase

    # -- age identities --------------------------------------------------------------------------------------
    def identity(self, cache_key: tuple[str, float]) -> Any | None:
        return self._identities.get(cache_key)

    def keep_identity(self, cache_key: tuple[str, float], identity: Any) -> None:
        self._identities[cache_key] = identity

    # -- lock ------------------------------------------------------------------------------------------------
    def lock(self) -> None:
        """Forget the passphrase and every decrypted identity; the next use asks the provider again."""
        self._passphrase = None
        self._identities.clear()

    def wipe(self) -> None:
        self.lock()
        db = self._db() if self._db is not None else None
        if db is not None and _RINGS.get(db) is self:
            del _RINGS[db]
        self._db = None


_RINGS: "weakref.WeakKeyDictionary[StationDB, KeyRing]" = weakref.WeakKeyDictionary()


def keyring_for(db: "StationDB") -> KeyRing:
    """The key ring of this opened database (a default one, asking env/terminal, when no application set one)."""
    ring = _RINGS.get(db)
    if ring is None:
        ring = KeyRing()
        ring.attach(db)
    return ring
