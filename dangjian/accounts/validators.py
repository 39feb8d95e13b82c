from __future__ import annotations

import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least N of: upper case, lower case, digits, symbols (security.md, 等级保护)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类。"
