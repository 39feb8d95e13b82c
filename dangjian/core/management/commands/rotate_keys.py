"""`dangjian rotate_keys`: re-encrypt every encrypted personal value with the current field key and
recompute its lookup hash (docs/security.md, "Key rotation").

    DANGJIAN_FIELD_KEY=<new key> DANGJIAN_FIELD_KEY_OLD=<old key> dangjian rotate_keys

Every model with encrypted values is found by its columns (`<name>_enc` beside `<name>_hmac`), history
tables included. Rows are processed in batches, all in one transaction: either everything is
re-encrypted or nothing changed. A value that no configured key can decrypt stops the run.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from dangjian.core import pii


def encrypted_columns(model: type[models.Model]) -> list[str]:
    """The names of the encrypted values of a model: `x` for every `x_enc` with an `x_hmac`."""
    names = {f.attname for f in model._meta.concrete_fields}
    return sorted(n[: -len("_enc")] for n in names if n.endswith("_enc") and f"{n[: -len('_enc')]}_hmac" in names)


def models_with_pii() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        columns = encrypted_columns(model)
        if columns and not model._meta.proxy:
            found.append((model, columns))
    return found


class Command(BaseCommand):
    help = "用当前密钥重新加密全部个人信息（身份证号、电话等），并重算检索摘要"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="只检查每个值都能解密，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        key, old = pii._keys()
        fernet = pii._fernet(key, old)
        batch_size = max(1, options["batch_size"])
        total = 0
        try:
            with transaction.atomic():
                for model, columns in models_with_pii():
                    count = self._rotate(model, columns, fernet, batch_size)
                    total += count
                    self.stdout.write(f"{model._meta.label}: {count}行")
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except InvalidToken as exc:
            raise CommandError(
                "有数据无法用现有密钥解密：请把加密它的旧密钥放入DANGJIAN_FIELD_KEY_OLD后重试（未作任何修改）"
            ) from exc
        done = "检查完毕（未写入）" if options["dry_run"] else "已用当前密钥重新加密"
        self.stdout.write(f"{done}：共{total}行。确认无误后即可从DANGJIAN_FIELD_KEY_OLD中去掉旧密钥。")

    def _rotate(self, model: type[models.Model], columns: list[str], fernet: Any, batch_size: int) -> int:
        manager = model._base_manager
        fields = [f"{c}_enc" for c in columns] + [f"{c}_hmac" for c in columns]
        pk_name = model._meta.pk.attname
        last = None
        count = 0
        while True:
            qs = manager.order_by(pk_name).only(pk_name, *fields)
            if last is not None:
                qs = qs.filter(**{f"{pk_name}__gt": last})
            batch = list(qs[:batch_size])
            if not batch:
                return count
            for row in batch:
                for column in columns:
                    token = getattr(row, f"{column}_enc")
                    if not token:
                        continue
                    plain = fernet.decrypt(token.encode()).decode()
                    setattr(row, f"{column}_enc", fernet.encrypt(plain.encode()).decode())
                    setattr(row, f"{column}_hmac", pii.digest(plain))
            manager.bulk_update(batch, fields)
            count += len(batch)
            last = getattr(batch[-1], pk_name)
