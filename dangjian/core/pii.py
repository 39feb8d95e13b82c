"""Personal data at rest (security.md): encrypted with a key from the environment, looked up by a
keyed hash of the normalized value and by its last four characters, never by decrypting everything.

A model stores three columns per value (`<name>_enc`, `<name>_hmac`, `<name>_last4`) and exposes
the plaintext through an `EncryptedValue` descriptor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str, old_keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()), *(Fernet(k.encode()) for k in old_keys)])


@lru_cache(maxsize=4)
def _lookup_key(key: str) -> bytes:
    # Separate sub-key for lookups, derived from the field key.
    return hmac.new(base64.urlsafe_b64decode(key), b"dangjian-pii-lookup", hashlib.sha256).digest()


def _keys() -> tuple[str, tuple[str, ...]]:
    old = tuple(k for k in getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) if k)
    return settings.FIELD_ENCRYPTION_KEY, old


def encrypt(value: str) -> str:
    if not value:
        return ""
    key, old = _keys()
    return _fernet(key, old).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    key, old = _keys()
    try:
        return _fernet(key, old).decrypt(token.encode()).decode()
    except InvalidToken:
        return "（无法解密）"


def digest(value: str) -> str:
    """Keyed hash of a normalized value: equality lookups without decrypting."""
    if not value:
        return ""
    key, _ = _keys()
    return hmac.new(_lookup_key(key), value.encode(), hashlib.sha256).hexdigest()


def pii_fields(label: str) -> tuple[models.Field, models.Field, models.Field]:
    """The three stored columns of one encrypted value, in a model body:
    `phone_enc, phone_hmac, phone_last4 = pii_fields("联系电话")`."""
    return (
        models.TextField(f"{label}（密文）", blank=True, default="", editable=False),
        models.CharField(
            f"{label}（检索摘要）", max_length=64, blank=True, default="", db_index=True, editable=False
        ),
        models.CharField(
            f"{label}后四位", max_length=4, blank=True, default="", db_index=True, editable=False
        ),
    )


class EncryptedValue:
    """Descriptor: reading decrypts `<name>_enc`; assigning encrypts and refreshes hash and last4."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        cache = instance.__dict__.setdefault("_pii_plain", {})
        token = getattr(instance, f"{self.name}_enc")
        if cache.get(self.name, (None,))[0] != token:
            cache[self.name] = (token, decrypt(token))
        return cache[self.name][1]

    def __set__(self, instance: Any, value: str | None) -> None:
        value = value or ""
        token = encrypt(value)
        setattr(instance, f"{self.name}_enc", token)
        setattr(instance, f"{self.name}_hmac", digest(value))
        setattr(instance, f"{self.name}_last4", value[-4:] if value else "")
        instance.__dict__.setdefault("_pii_plain", {})[self.name] = (token, value)
