"""Account forms. Rules live in accounts/services.py; forms convert input and show its errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.validators import UnicodeUsernameValidator

from dangjian.accounts.roles import Role
from dangjian.orgs.models import Organization


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
    }


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="验证码", regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": "请输入身份验证器应用中显示的6位数字"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validators_help_texts()),
    )
    new_password2 = forms.CharField(label="再次输入新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class AccountCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text="登录用，字母、数字及 @ . + - _；建立后不能修改")
    display_name = forms.CharField(label="姓名", max_length=50)
    organization = forms.ModelChoiceField(label="所属党组织", queryset=Organization.objects.none(),
                                          help_text="账号只能看到该党组织及其下级的记录")
    member_id_number = forms.CharField(label="党员本人身份证号码", max_length=18, required=False,
                                       help_text="仅党员本人账号填写，用于对应其党员档案")

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["organization"].queryset = orgs


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    reason = forms.CharField(label="授权依据", max_length=200, help_text="如：任命文件、工作分工")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="事由", max_length=200, required=False)
